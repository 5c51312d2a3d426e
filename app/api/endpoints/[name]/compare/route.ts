import { z } from "zod";
import { compareWithChampion } from "@/lib/monitor/server/retrain";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

/** `{runId}` or `{modelId}` → champion and challenger metrics on the same rows, which rows, and which is better. */
export const POST = handle<{ name: string }>(async (req, { name }) => json(await compareWithChampion(name, await readJson(req, z.unknown()))));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
