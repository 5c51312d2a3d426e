import { z } from "zod";
import { deleteProject, getProject, updateProject } from "@/lib/define/server/projects";
import { handle } from "@/lib/identity/server/guard";
import { json, readJson, otherMethods } from "@/lib/shared/http";
import { withSteps } from "@/lib/steps/state";

type P = { id: string };

export const GET = handle<P>((_req, { id }) => json(withSteps(getProject(id))));

export const PATCH = handle<P>(async (req, { id }) => json(withSteps(updateProject(id, await readJson(req, z.unknown())))));

export const DELETE = handle<P>((_req, { id }) => {
  deleteProject(id);
  return new Response(null, { status: 204 });
});

export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
