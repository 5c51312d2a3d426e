import { getRun } from "@/lib/train/server/runs";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

export const GET = handle<{ id: string }>((_req, { id }) => json(getRun(id)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
