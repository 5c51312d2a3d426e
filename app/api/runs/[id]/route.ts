import { getRun } from "@/lib/train/server/runs";
import { handle, json, otherMethods } from "@/lib/shared/http";

export const GET = handle<{ id: string }>((_req, { id }) => json(getRun(id)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
