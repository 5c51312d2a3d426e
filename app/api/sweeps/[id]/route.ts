import { getSweep } from "@/lib/train/server/sweeps";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

export const GET = handle<{ id: string }>((_req, { id }) => json(getSweep(id)));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
