import { describe, expect, it } from "vitest";
import { newId } from "@/lib/shared/ids";
import { readCacheStats } from "@/lib/shared/server/read-cache";
import { readOffThread } from "@/lib/shared/server/read-pool";
import { readLogWindow } from "./log-window";
import { logRequest } from "../../integrate/server/serving/request-log";
import { logSignature } from "./log-sample";
import { readTraffic, type LogWindow } from "./traffic-read";

const MODULE = "lib/monitor/server/traffic-read.ts";

const entry = (name: string, status: number, createdAt: Date) => ({
  id: newId("req"),
  endpointName: name,
  modelId: "mdl_x",
  modelVersion: 1,
  status,
  latencyMs: 3,
  rows: 1,
  format: "rows",
  inputs: [{ a: 1 }],
  outputs: [1],
  error: null,
  createdAt,
});

/** A traffic read as endpointTraffic makes it, counting its computations. */
function trafficRead(key: string, window: LogWindow, counter: { n: number }) {
  return readLogWindow({
    key,
    window,
    signature: (db) => logSignature(db, window),
    compute: () => {
      counter.n++;
      return readOffThread({ module: MODULE, fn: "readTraffic", local: readTraffic, args: [window] });
    },
  });
}

describe("a cached read of an open window", () => {
  it("is not computed again while nothing lands in the window, even as the window moves; a new request makes it computed again, and counted", async () => {
    const name = `unit-cache-${newId("x").slice(2)}`;
    const key = `traffic-test:${name}`;
    const counter = { n: 0 };
    const now = Date.now();
    for (let i = 0; i < 3; i++) logRequest(entry(name, 200, new Date(now - 1000)));
    logRequest(entry(name, 422, new Date(now - 1000)));

    // Each read sees the requests logged before it, though the writer thread's timer has not fired.
    const first = await trafficRead(key, { name, sinceMs: now - 60_000, untilMs: now }, counter);
    expect(first).toMatchObject({ requests: 4, errors: 1 });
    expect(counter.n).toBe(1);

    const stats = readCacheStats();
    const again = await trafficRead(key, { name, sinceMs: now - 59_000, untilMs: now + 1000 }, counter);
    expect(again).toEqual(first);
    expect(counter.n).toBe(1);
    expect(readCacheStats().hits).toBe(stats.hits + 1);

    logRequest(entry(name, 500, new Date(now + 500)));
    const after = await trafficRead(key, { name, sinceMs: now - 58_000, untilMs: now + 2000 }, counter);
    expect(after).toMatchObject({ requests: 5, errors: 2 });
    expect(counter.n).toBe(2);
  });

  it("a request falling out of the back of a moving window makes it computed again", async () => {
    const name = `unit-cache-edge-${newId("x").slice(2)}`;
    const counter = { n: 0 };
    const now = Date.now();
    logRequest(entry(name, 200, new Date(now - 30_000)));
    logRequest(entry(name, 200, new Date(now - 1000)));
    expect(await trafficRead(`edge:${name}`, { name, sinceMs: now - 60_000, untilMs: now }, counter)).toMatchObject({ requests: 2 });
    expect(await trafficRead(`edge:${name}`, { name, sinceMs: now - 20_000, untilMs: now }, counter)).toMatchObject({ requests: 1 });
    expect(counter.n).toBe(2);
  });

  it("a closed window is kept without even a signature read", async () => {
    const name = `unit-cache-closed-${newId("x").slice(2)}`;
    const counter = { n: 0 };
    const until = Date.now() - 10 * 60_000;
    logRequest(entry(name, 200, new Date(until - 1000)));
    const w = { name, sinceMs: until - 60_000, untilMs: until };
    expect(await trafficRead(`closed:${name}`, w, counter)).toMatchObject({ requests: 1 });
    expect(await trafficRead(`closed:${name}`, w, counter)).toMatchObject({ requests: 1 });
    expect(counter.n).toBe(1);
  });
});
