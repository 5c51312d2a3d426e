import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { endpoints } from "@/db/schema";
import { newId } from "@/lib/shared/ids";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { TRAFFIC_READ_MODULE } from "./read-modules";
import { trafficStoreState } from "./traffic-read";
import { warmMonitorStores } from "./warm";

const name = `unit-warm-${newId("x").slice(2)}`;

const insertLogs = (n: number) => {
  const insert = getDb().$client.prepare(
    "INSERT INTO request_logs (id, endpoint_name, model_id, model_version, status, latency_ms, rows, format, inputs, outputs, error, created_at) VALUES (?, ?, 'mdl_unit', 1, 200, 2, 1, 'rows', '[{\"a\":1}]', '[1]', NULL, ?)",
  );
  for (let i = 0; i < n; i++) insert.run(newId("req"), name, Date.now());
};
const newestRowid = () => (getDb().$client.prepare("SELECT max(rowid) AS r FROM request_logs").get() as { r: number }).r;
/** The reader thread's traffic store of the endpoint, as that thread has it. */
const storeOnThread = () => readOffThread({ module: TRAFFIC_READ_MODULE, fn: "trafficStoreState", local: trafficStoreState, args: [name] });

beforeAll(() => {
  const now = new Date();
  getDb().insert(endpoints).values({ name, mode: "realtime", modelId: "mdl_unit", corsOrigins: [], maxRows: 100, createdAt: now, updatedAt: now }).run();
});
afterAll(() => void getDb().delete(endpoints).where(eq(endpoints.name, name)).run());

describe("warmMonitorStores", () => {
  it("syncs the reader thread's stores of an endpoint once its log has grown enough, and not again until it grows again", async () => {
    // The model is not there: the drift store cannot be made, which is logged; the traffic store still is.
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    insertLogs(3);
    expect(await warmMonitorStores(5)).not.toContain(name);
    expect(await storeOnThread()).toBeNull();

    insertLogs(5);
    expect(await warmMonitorStores(5)).toContain(name);
    // Synced up to the log's end: the next read of the window reads nothing again.
    expect(await storeOnThread()).toMatchObject({ lastRowid: newestRowid(), sampled: 8 });
    expect(logged.mock.calls.some(([m]) => String(m).includes(name))).toBe(true);

    // Nothing new: no round syncs it; grown again by enough: the next does.
    expect(await warmMonitorStores(5)).not.toContain(name);
    insertLogs(4);
    expect(await warmMonitorStores(5)).not.toContain(name);
    insertLogs(1);
    expect(await warmMonitorStores(5)).toContain(name);
    expect(await storeOnThread()).toMatchObject({ lastRowid: newestRowid(), sampled: 13 });
    logged.mockRestore();
  });
});
