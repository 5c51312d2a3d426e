import { z } from "zod";
import { deleteDataset, getDataset, overrideColumnTypes } from "@/lib/data/server/datasets";
import { handle } from "@/lib/identity/server/guard";
import { json, readJson, otherMethods } from "@/lib/shared/http";

type P = { id: string };

export const GET = handle<P>((_req, { id }) => json(getDataset(id)));

/** `{columns:[{name, type}]}` overrides column types; the stored values stay as they were. */
export const PATCH = handle<P>(async (req, { id }) => json(overrideColumnTypes(id, await readJson(req, z.unknown()))));

export const DELETE = handle<P>((_req, { id }) => {
  deleteDataset(id);
  return new Response(null, { status: 204 });
});

export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
