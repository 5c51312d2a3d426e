import { cancelJob } from "@/lib/integrate/server/jobs";
import { handle, json, otherMethods } from "@/lib/shared/http";

export const POST = handle<{ id: string }>((_req, { id }) => json(cancelJob(id)));

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
