import { z } from "zod";
import { createSweep, listSweeps } from "@/lib/train/server/sweeps";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

type P = { id: string };

export const GET = handle<P>((_req, { id }) => json({ items: listSweeps(id) }));

/** `{algorithm, method:"grid"|"random", space:{param:[values]}, trials?, params?}` → 202 with its queued trials. */
export const POST = handle<P>(async (req, { id }) => json(createSweep(id, await readJson(req, z.unknown())), { status: 202 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
