import { cancelRun } from "@/lib/train/server/runs";
import { handle, json, otherMethods } from "@/lib/shared/http";

export const POST = handle<{ id: string }>((_req, { id }) => json(cancelRun(id)));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
