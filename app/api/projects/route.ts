import { createProject, listProjects } from "@/lib/define/server/projects";
import { handle } from "@/lib/identity/server/guard";
import { json, readJson, otherMethods } from "@/lib/shared/http";
import { withSteps } from "@/lib/steps/state";
import { z } from "zod";

export const GET = handle(() => json({ items: listProjects().map(withSteps) }));

export const POST = handle(async (req) => json(withSteps(createProject(await readJson(req, z.unknown()))), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
