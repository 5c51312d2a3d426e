import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BUSY_TIMEOUT_MS, getDb } from "@/db/client";
import { requestLogs } from "@/db/schema";
import { eq } from "drizzle-orm";
import { flushRequestLog, logRequest, LOGGED_ROWS, requestLogState, requestLogWritten } from "./request-log";
import { testLogEntry } from "./test-fixtures";

const entry = (id: string, rows: number) => testLogEntry(id, "unit", rows);

describe("the request log", () => {
  it("keeps entries off the database until a flush, then writes them in one go, with inputs capped", () => {
    const before = getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all().length;
    logRequest(entry("req_unit_1", 3));
    logRequest(entry("req_unit_2", LOGGED_ROWS + 50));
    expect(getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all()).toHaveLength(before);
    expect(flushRequestLog()).toBe(2);
    const rows = getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all();
    expect(rows).toHaveLength(before + 2);
    const big = rows.find((r) => r.id === "req_unit_2")!;
    expect(big.rows).toBe(LOGGED_ROWS + 50);
    expect(big.inputs).toHaveLength(LOGGED_ROWS);
    expect(flushRequestLog()).toBe(0);
  });

  it("the timer's flush does not wait while a batch job holds the write lock; the entries are written after", () => {
    const file = getDb().$client.name;
    const other = new Database(file);
    const before = getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all().length;
    try {
      other.exec("BEGIN IMMEDIATE"); // another process's write transaction, as a job's chunk commit is
      logRequest(entry("req_unit_busy", 1));
      const started = performance.now();
      expect(flushRequestLog({ wait: false })).toBe(0);
      // Not the 5 s busy_timeout: it gave up at once (a generous bound, not a timing claim).
      expect(performance.now() - started).toBeLessThan(4000);
      expect(getDb().$client.pragma("busy_timeout", { simple: true })).toBe(BUSY_TIMEOUT_MS);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(flushRequestLog()).toBe(1);
    expect(getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all()).toHaveLength(before + 1);
  });

  it("with `max`, writes a backlog oldest first in slices of at most that many", () => {
    const before = getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all().length;
    for (let i = 0; i < 7; i++) logRequest(entry(`req_unit_slice_${i}`, 1));
    expect(flushRequestLog({ max: 3 })).toBe(3);
    const written = getDb()
      .select({ id: requestLogs.id })
      .from(requestLogs)
      .where(eq(requestLogs.endpointName, "unit"))
      .all()
      .map((r) => r.id);
    expect(written).toHaveLength(before + 3);
    expect(written).toEqual(expect.arrayContaining(["req_unit_slice_0", "req_unit_slice_1", "req_unit_slice_2"]));
    expect(flushRequestLog({ max: 3 })).toBe(3);
    expect(flushRequestLog({ max: 3 })).toBe(1);
    expect(flushRequestLog()).toBe(0);
    expect(getDb().select().from(requestLogs).where(eq(requestLogs.endpointName, "unit")).all()).toHaveLength(before + 7);
  });

  it("the timer hands entries to a writer thread, which writes them while the event loop goes on, waiting out another connection's write lock", async () => {
    const count = () =>
      getDb()
        .select()
        .from(requestLogs)
        .where(eq(requestLogs.endpointName, "unit"))
        .all()
        .filter((r) => r.id.startsWith("req_unit_thread_")).length;
    const other = new Database(getDb().$client.name);
    other.exec("BEGIN IMMEDIATE"); // a batch job's chunk commit in another process
    try {
      for (let i = 0; i < 300; i++) logRequest(entry(`req_unit_thread_${i}`, 2));
      // The thread has them (the 250th entry flushed at once, the rest on the timer) and waits for the lock; the event loop does not.
      await expect.poll(() => requestLogState().inFlight, { timeout: 10_000 }).toBe(300);
      expect(requestLogState()).toMatchObject({ thread: true, pending: 0 });
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const t = setInterval(() => ++ticks === 5 && (clearInterval(t), resolve()), 10);
      });
      expect(count()).toBe(0);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    await expect.poll(count, { timeout: 10_000 }).toBe(300);
    await expect.poll(() => requestLogState().inFlight).toBe(0);
    expect(flushRequestLog()).toBe(0);
  });

  describe("requestLogWritten", () => {
    /** What a fresh connection (another process, a reader thread) sees of some entries. */
    const visible = (ids: string[]) => {
      const db = new Database(getDb().$client.name, { readonly: true });
      try {
        const found = db.prepare(`SELECT id FROM request_logs WHERE id IN (${ids.map(() => "?").join(", ")})`).all(...ids) as { id: string }[];
        return found.length;
      } finally {
        db.close();
      }
    };

    /** Runs `fn` while another connection holds the write lock, as a batch job's chunk commit in the worker process does. */
    async function whileLocked<T>(fn: () => Promise<T>): Promise<T> {
      const other = new Database(getDb().$client.name);
      other.exec("BEGIN IMMEDIATE");
      try {
        return await fn();
      } finally {
        other.exec("ROLLBACK");
        other.close();
      }
    }

    it("resolves once every entry logged before the call is written, readable by a fresh connection, before the timer would have fired", async () => {
      const ids = Array.from({ length: 3 }, (_, i) => `req_unit_barrier_${i}`);
      for (const id of ids) logRequest(entry(id, 1));
      expect(visible(ids)).toBe(0);
      await requestLogWritten();
      expect(visible(ids)).toBe(3);
      expect(requestLogState()).toMatchObject({ pending: 0, inFlight: 0 });
    });

    it("waits, without holding the event loop, while the writer thread is held back by another connection's write lock", async () => {
      const ids = Array.from({ length: 1000 }, (_, i) => `req_unit_held_${i}`);
      let written = false;
      const { barrier } = await whileLocked(async () => {
        for (const id of ids) logRequest(entry(id, 2));
        const barrier = requestLogWritten().then(() => void (written = true));
        // The thread has every entry and waits for the lock; the barrier with it, the event loop not.
        expect(requestLogState()).toMatchObject({ thread: true, pending: 0, inFlight: 1000 });
        let ticks = 0;
        await new Promise<void>((resolve) => {
          const t = setInterval(() => ++ticks === 5 && (clearInterval(t), resolve()), 10);
        });
        expect(written).toBe(false);
        expect(visible(ids)).toBe(0);
        return { barrier }; // wrapped: a promise returned as such would be awaited under the lock
      });
      await barrier;
      expect(visible(ids)).toBe(1000);
    });

    it("follows a batch the writer thread gave back (the lock held past its busy timeout) until it is written", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "request-log-retry-"));
      try {
        const child = spawnSync(
          process.execPath,
          [path.resolve("node_modules/tsx/dist/cli.mjs"), path.resolve("lib/integrate/server/serving/request-log-retry.fixture.ts")],
          {
            env: { ...process.env, WORKBENCH_DATA_DIR: dir },
            encoding: "utf8",
            timeout: 60_000,
          },
        );
        expect(child.status, child.stderr).toBe(0);
        expect(JSON.parse(child.stdout.trim().split("\n").at(-1)!)).toEqual({ resolvedWhileHeld: false, gaveBack: 2, written: 2 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("resolves at once with nothing to write", async () => {
      await requestLogWritten();
      expect(requestLogState()).toMatchObject({ pending: 0, inFlight: 0 });
      await requestLogWritten();
    });
  });

  it("loses nothing when the process is stopped with SIGTERM right after the requests", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "request-log-"));
    const tsx = path.resolve("node_modules/tsx/dist/cli.mjs");
    const child = spawnSync(process.execPath, [tsx, path.resolve("lib/integrate/server/serving/request-log.fixture.ts"), "1234"], {
      env: { ...process.env, WORKBENCH_DATA_DIR: dir },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.error).toBeUndefined();
    const db = new Database(path.join(dir, "workbench.sqlite"), { readonly: true });
    const { n } = db.prepare("select count(*) as n from request_logs where endpoint_name = 'shutdown'").get() as { n: number };
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(n, child.stderr).toBe(1234);
  });
});
