import { v2ModelMetadata } from "@/lib/integrate/server/serving/v2";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

/** V2 model metadata: the endpoint's model version, its input tensors (one per column) and outputs. */
export const GET = handle<{ name: string }>(async (_req, { name }) => json(await v2ModelMetadata(name)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
