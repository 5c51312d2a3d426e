// Run by request-log.test.ts in a child process with its own data folder (it holds the write lock
// past the busy timeout, which would fail other test files' writes to the shared test database):
// the writer thread gives a batch back unwritten, and requestLogWritten must follow it until it is
// written. Prints what it saw as JSON.
import Database from "better-sqlite3";
import { getDb } from "@/db/client";
import { logRequest, requestLogState, requestLogWritten } from "./request-log";
import { testLogEntry } from "./test-fixtures";

async function main() {
  const file = getDb().$client.name;
  const other = new Database(file);
  other.exec("BEGIN IMMEDIATE");
  for (let i = 0; i < 2; i++) logRequest(testLogEntry(`req_retry_${i}`, "retry"));
  let resolved = false;
  const barrier = requestLogWritten().then(() => void (resolved = true));
  // After its busy timeout the thread says it could not write.
  while (requestLogState().gaveBack < 2) await new Promise((r) => setTimeout(r, 50));
  const resolvedWhileHeld = resolved;
  other.exec("ROLLBACK");
  other.close();
  await barrier;
  const fresh = new Database(file, { readonly: true });
  const { n } = fresh.prepare("SELECT count(*) AS n FROM request_logs WHERE endpoint_name = 'retry'").get() as { n: number };
  console.log(JSON.stringify({ resolvedWhileHeld, gaveBack: requestLogState().gaveBack, written: n }));
  process.exit(0);
}

void main();
