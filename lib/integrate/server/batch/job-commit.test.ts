import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { jobRowErrors, jobs } from "@/db/schema";
import { insertJobRow } from "./test-fixtures";
import type { ChunkOutput } from "./job-chunks";
import { startCommitter } from "./job-commit";

/** A chunk as a reader gives it: table values per row (in a reused array), CSV lines, row errors. */
function chunkOf(rows: unknown[][], errors: (string | null)[]): ChunkOutput {
  const csv = rows
    .map(
      (r) =>
        r
          .slice(1)
          .map((v) => (v === null ? "" : String(v)))
          .join(",") + "\n",
    )
    .join("");
  const values: unknown[] = [];
  return {
    count: rows.length,
    csv: Buffer.from(csv),
    errors,
    tableRows(first, add) {
      rows.forEach((r, i) => {
        r.forEach((v, j) => (values[j] = v));
        values[0] = first + i;
        add(values);
      });
    },
  };
}

/** A running job named `name`, its output table (id, x, flag, prediction, error) and output.csv holding the header and `after` past it. */
function runningJob(name: string, after = "") {
  const db = getDb();
  const id = `job_${name}_${process.pid}`;
  const table = `"out_${name}_${process.pid}"`;
  insertJobRow(id, { status: "running", outputTable: table });
  db.$client.exec(`CREATE TABLE ${table} ("row" INTEGER PRIMARY KEY, "id" TEXT, "x" REAL, "flag" INTEGER, "prediction" REAL, "error" TEXT)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "job-commit-"));
  const out = path.join(dir, "output.csv");
  fs.writeFileSync(out, `id,x,flag,prediction,error\n${after}`);
  return { db, id, table, dir, out, header: "id,x,flag,prediction,error\n".length };
}

describe("the job's committer thread", () => {
  it("commits chunks in order: table rows (numbers, texts, booleans as 0/1, nulls), row errors, CSV bytes at the offset, the job's progress", async () => {
    const { db, id, table, dir, out, header } = runningJob("commit", "STALE BYTES PAST THE OFFSET");

    const committer = startCommitter({ jobId: id, table, width: 6, outFile: out });
    try {
      const first = chunkOf(
        Array.from({ length: 100 }, (_, i) => [0, `a${i}`, i / 4, i % 2 === 0, i * 2.5, null]),
        Array.from({ length: 100 }, () => null),
      );
      const second = chunkOf(
        [
          [0, "b0", null, true, 1.5, null],
          [0, "b1", "not a number", false, null, "x: expected a number"],
        ],
        [null, "x: expected a number"],
      );
      const firstBytes = (first.csv as Buffer).length;
      // Both handed over at once: the second waits behind the first, in order.
      const a = committer.commit(first, { first: 0, at: header, rowsDone: 100, rowsFailed: 0 });
      const b = committer.commit(second, { first: 100, at: header + firstBytes, rowsDone: 102, rowsFailed: 1 });
      expect(await a).toBe(firstBytes);
      expect(await b).toBe((second.csv as Buffer).length);
    } finally {
      await committer.close();
    }

    const rows = db.$client.prepare(`SELECT * FROM ${table} ORDER BY "row"`).all() as Record<string, unknown>[];
    expect(rows).toHaveLength(102);
    expect(rows[3]).toEqual({ row: 3, id: "a3", x: 0.75, flag: 0, prediction: 7.5, error: null });
    expect(rows[100]).toEqual({ row: 100, id: "b0", x: null, flag: 1, prediction: 1.5, error: null });
    expect(rows[101]).toEqual({ row: 101, id: "b1", x: "not a number", flag: 0, prediction: null, error: "x: expected a number" });
    expect(db.select().from(jobRowErrors).where(eq(jobRowErrors.jobId, id)).all()).toEqual([{ jobId: id, row: 101, message: "x: expected a number" }]);
    const job = db.select().from(jobs).where(eq(jobs.id, id)).get()!;
    const text = fs.readFileSync(out, "utf8");
    expect(job).toMatchObject({ rowsDone: 102, rowsFailed: 1, outputBytes: Buffer.byteLength(text) });
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(103);
    expect(lines[1]).toBe("a0,0,true,0,");
    expect(lines[102]).toBe("b1,not a number,false,,x: expected a number");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a failed commit rejects and changes nothing (the table does not exist)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "job-commit-"));
    const out = path.join(dir, "output.csv");
    fs.writeFileSync(out, "");
    const committer = startCommitter({ jobId: "job_none", table: '"no_such_table"', width: 2, outFile: out });
    try {
      await expect(committer.commit(chunkOf([[0, 1]], [null]), { first: 0, at: 0, rowsDone: 1, rowsFailed: 0 })).rejects.toThrow(/no_such_table/);
    } finally {
      await committer.close();
    }
    expect(fs.readFileSync(out, "utf8")).toBe("");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a chunk that meets a full disk rejects with ENOSPC, though its write took what fitted first, and commits nothing", async () => {
    const { db, id, table, dir, out, header } = runningJob("full");
    const first = chunkOf(
      Array.from({ length: 10 }, (_, i) => [0, `a${i}`, i, true, i, null]),
      Array.from({ length: 10 }, () => null),
    );
    const firstBytes = (first.csv as Buffer).length;
    // The disk is full 5 bytes into the second chunk's lines (WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES, read as the module loads).
    vi.stubEnv("WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES", String(header + firstBytes + 5));
    vi.resetModules();
    const { startCommitter: startFull } = await import("./job-commit");
    vi.unstubAllEnvs();
    const committer = startFull({ jobId: id, table, width: 6, outFile: out });
    try {
      expect(await committer.commit(first, { first: 0, at: header, rowsDone: 10, rowsFailed: 0 })).toBe(firstBytes);
      const second = chunkOf([[0, "b0", 1, false, 2, null]], [null]);
      await expect(committer.commit(second, { first: 10, at: header + firstBytes, rowsDone: 11, rowsFailed: 0 })).rejects.toMatchObject({ code: "ENOSPC" });
    } finally {
      await committer.close();
    }
    // The first chunk stays committed; the second left nothing in the table or the job's progress
    // (its 5 bytes past outputBytes are what a resume truncates, and a failed job's folder is removed).
    expect((db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(10);
    expect(db.select().from(jobs).where(eq(jobs.id, id)).get()).toMatchObject({ rowsDone: 10, outputBytes: header + firstBytes });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
