import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { jobs, type JobRow } from "@/db/schema";
import { jobDir, outputTableName } from "./batch/jobs";
import { insertJobRow } from "./batch/test-fixtures";
import { recoverAfterCrash } from "./recover";

/** A job of `status` with its folder (input and output files) and output table, as a worker leaves them. */
function jobWithOutput(status: JobRow["status"]): string {
  const id = `job_rec${Math.random().toString(36).slice(2, 10)}`;
  insertJobRow(id, { status, outputTable: outputTableName(id) });
  getDb().$client.exec(`CREATE TABLE "${outputTableName(id)}" ("row" INTEGER PRIMARY KEY, "prediction" REAL)`);
  folder(id, Date.now());
  return id;
}

/** A job folder with an input and a partial output, last written at `mtimeMs`. */
function folder(id: string, mtimeMs: number): string {
  const dir = jobDir(id);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ["input.csv", "output.csv"]) {
    fs.writeFileSync(path.join(dir, f), "a,b\n1,2\n");
    fs.utimesSync(path.join(dir, f), mtimeMs / 1000, mtimeMs / 1000);
  }
  fs.utimesSync(dir, mtimeMs / 1000, mtimeMs / 1000);
  return dir;
}

const tableExists = (id: string) => !!getDb().$client.prepare("SELECT 1 FROM sqlite_master WHERE name = ?").get(outputTableName(id));

describe("recoverAfterCrash", () => {
  it("removes job folders without a job and the output of failed and cancelled jobs, keeps the rest, and says so", async () => {
    const before = Date.now() - process.uptime() * 1000 - 60_000;
    const orphan = folder(`job_orphan${process.pid}`, before);
    // Written since this process began to serve: its own upload in flight.
    // (A second back: a file time set from milliseconds may land a hair before the instant it was taken.)
    const servingSince = Date.now() - 1000;
    const fresh = folder(`job_fresh${process.pid}`, Date.now());
    const failed = jobWithOutput("failed");
    const cancelled = jobWithOutput("cancelled");
    const succeeded = jobWithOutput("succeeded");
    const queued = jobWithOutput("queued");
    // Not a job folder (an operator's note): left alone, and no reason to fail.
    const stray = path.join(path.dirname(jobDir("x")), `notes-${process.pid}.txt`);
    fs.writeFileSync(stray, "kept");
    fs.utimesSync(stray, before / 1000, before / 1000);
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await recoverAfterCrash(servingSince);
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines).toContainEqual(expect.stringMatching(/^\[recover\] removed [1-9]\d* job folder\(s\) of uploads cut off/));
      expect(lines).toContainEqual(
        expect.stringMatching(/^\[recover\] removed the partial output \(files and table\) of [2-9]\d* failed or cancelled job\(s\)/),
      );
    } finally {
      log.mockRestore();
    }
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    for (const id of [failed, cancelled]) {
      expect(fs.existsSync(jobDir(id))).toBe(false);
      expect(tableExists(id)).toBe(false);
      // The job itself stays, with why it ended.
      expect(getDb().select({ s: jobs.status }).from(jobs).where(eq(jobs.id, id)).get()).toBeDefined();
    }
    for (const id of [succeeded, queued]) {
      expect(fs.existsSync(path.join(jobDir(id), "output.csv"))).toBe(true);
      expect(tableExists(id)).toBe(true);
    }
    expect(fs.existsSync(stray)).toBe(true);
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(stray, { force: true });
  });
});
