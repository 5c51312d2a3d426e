// Run by request-log.test.ts in a child process: logs entries, then stops with SIGTERM at once,
// before the flush timer fires. The shutdown hook must write them all.
import { logRequest } from "./request-log";
import { testLogEntry } from "./test-fixtures";

const count = Number(process.argv[2] ?? 1234);
for (let i = 0; i < count; i++) logRequest(testLogEntry(`req_${i}`, "shutdown"));
process.kill(process.pid, "SIGTERM");
// Keep the process alive until the signal lands.
setTimeout(() => undefined, 10_000);
