import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { env } from "@/lib/shared/env";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");
/** How long a write waits for the other process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

function open(): Db {
  fs.mkdirSync(env.dataDir, { recursive: true });
  const sqlite = new Database(env.databaseFile);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const db = drizzle({ client: sqlite, schema, casing: "snake_case" }) as Db;
  // Two processes write (web server and worker). A deferred transaction that reads and then
  // writes can fail at once with SQLITE_BUSY when the other one wrote in between; an immediate
  // one takes the write lock up front and waits its turn (busy_timeout) instead.
  const deferred = db.transaction.bind(db);
  db.transaction = ((fn, config) => deferred(fn, { behavior: "immediate", ...config })) as typeof db.transaction;
  // Fails loudly: a database we cannot migrate is not one to serve from.
  runMigrations(db);
  if (env.WORKBENCH_FAULT_DB_FULL_AFTER_BYTES) limitGrowth(sqlite, env.WORKBENCH_FAULT_DB_FULL_AFTER_BYTES);
  return db;
}

/**
 * Applies the migrations `db` has not had yet, then checks foreign keys from there on. Not while
 * migrating (better-sqlite3 checks them by default): a migration that adds one rebuilds the table
 * (copy, drop, rename), which must keep every row, one that already lost its parent included, and
 * dropping a table others reference must not delete through their keys. The migrator runs in one
 * transaction, where a migration's own PRAGMA foreign_keys does nothing.
 */
export function runMigrations(db: Db, migrationsFolder = MIGRATIONS_DIR): void {
  db.$client.pragma("foreign_keys = OFF");
  try {
    migrateRacing(() => migrate(db, { migrationsFolder }));
  } finally {
    db.$client.pragma("foreign_keys = ON");
  }
}

/** Tries of a migration that lost a race; the error of the last one is thrown. */
const MIGRATE_TRIES = 3;

/**
 * Runs `migrate`, again when it fails. The web server and the worker start together: on a new data
 * folder both read an empty migration journal, and the one that waited for the other's write lock
 * then finds its tables made ("table already exists"). A second look at the journal finds them
 * applied. A migration that is really broken fails every time, and that error is thrown.
 */
export function migrateRacing(migrate: () => void): void {
  for (let tries = 1; ; tries++) {
    try {
      migrate();
      return;
    } catch (e) {
      if (tries >= MIGRATE_TRIES) throw e;
    }
  }
}

/**
 * Fault injection for tests (WORKBENCH_FAULT_DB_FULL_AFTER_BYTES): this connection may grow the
 * database by `bytes` more, then SQLite itself fails the write with SQLITE_FULL ("database or disk
 * is full"), as on a full disk. SQLite's own page limit: no code of ours in the write path.
 */
function limitGrowth(sqlite: Database.Database, bytes: number): void {
  const pages = sqlite.pragma("page_count", { simple: true }) as number;
  const pageSize = sqlite.pragma("page_size", { simple: true }) as number;
  sqlite.pragma(`max_page_count = ${pages + Math.ceil(bytes / pageSize)}`);
}

declare global {
  /** The one database client, cached on globalThis so hot reload does not reopen it. */
  var __workbenchDb: Db | undefined;
}

export function getDb(): Db {
  return (globalThis.__workbenchDb ??= open());
}

export { schema };
