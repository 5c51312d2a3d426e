import { checkHealth } from "@/lib/shared/server/health";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods } from "@/lib/shared/http";

export const GET = handle(() => json(checkHealth()));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
