import { getDb } from "@/db/client";
import { AppError } from "../errors";

/** `{status:"ok"}` when the database answers a query. */
export function checkHealth(): { status: "ok" } {
  try {
    getDb().$client.prepare("SELECT 1").get();
  } catch (e) {
    console.error("[workbench] health check failed", e);
    throw new AppError("INTERNAL", "The database does not answer.");
  }
  return { status: "ok" };
}
