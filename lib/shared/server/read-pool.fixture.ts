import type Database from "better-sqlite3";

/** When the reader thread loaded this module, in epoch ms with sub-ms precision (read-pool.test.ts). */
const loadedAt = performance.timeOrigin + performance.now();

export const whenLoaded = (_db: Database.Database): number => loadedAt;

/** The number of rows of a table the thread's own connection sees. */
export const countRows = (db: Database.Database, table: string): number => (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
