import { checkHealth } from "@/lib/shared/server/health";
import { handle, json } from "@/lib/shared/http";

export const GET = handle(() => json(checkHealth()));
