import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { readOffThread, readPoolState, warmReadPool } from "./read-pool";
import { countRows, whenLoaded } from "./read-pool.fixture";

const FIXTURE = "lib/shared/server/read-pool.fixture.ts";

describe("warmReadPool", () => {
  it("starts the reader threads with the modules loaded before the first read asks for them", async () => {
    getDb(); // the database file exists (the threads open it read-only)
    expect(readPoolState().threads).toBe(0);
    warmReadPool([FIXTURE, "lib/shared/server/no-such-module.ts"]);
    // Started at once, not on a first read; a module that cannot load is logged, and the thread still serves.
    expect(readPoolState().threads).toBeGreaterThan(0);
    await vi.waitFor(() => expect(readPoolState().ready).toBe(readPoolState().threads), { timeout: 20_000, interval: 20 });
    const readyAt = performance.timeOrigin + performance.now();
    const loadedAt = await readOffThread({ module: FIXTURE, fn: "whenLoaded", local: whenLoaded, args: [] });
    expect(loadedAt).toBeLessThan(readyAt);
    // A read off the thread sees the database as this connection does.
    const n = await readOffThread({ module: FIXTURE, fn: "countRows", local: countRows, args: ["projects"] });
    expect(n).toBe(countRows(getDb().$client, "projects"));
  });
});
