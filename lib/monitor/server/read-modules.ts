import { warmReadPool } from "@/lib/shared/server/read-pool";

/** The modules whose functions monitoring runs on the reader threads (lib/shared/server/read-pool.ts), from the project's root. */
export const TRAFFIC_READ_MODULE = "lib/monitor/server/traffic-read.ts";
export const WINDOW_READ_MODULE = "lib/monitor/server/window-read.ts";
export const ACTUALS_READ_MODULE = "lib/monitor/server/actuals-read.ts";

/** Starts the reader threads with monitoring's modules loaded, so the first monitoring read does not wait for that. */
export function warmMonitorReads(): void {
  warmReadPool([TRAFFIC_READ_MODULE, WINDOW_READ_MODULE, ACTUALS_READ_MODULE]);
}
