// `npm run backup -- DIR`: writes a backup of the workbench in WORKBENCH_DATA_DIR into a new folder
// in DIR (workbench-<time>/, with manifest.json), while the app keeps serving. See README "Backups".
// Exit code 0 when the backup is complete, 1 when it failed, 2 for a usage error.
import os from "node:os";
import { BackupError } from "@/lib/shared/server/backup-manifest";
import { backupWorkbench } from "@/lib/shared/server/backup";
import { env } from "@/lib/shared/env";

const args = process.argv.slice(2);
if (args.length !== 1 || args[0].startsWith("-")) {
  console.error("usage: npm run backup -- DIR   (backs up the data folder WORKBENCH_DATA_DIR into a new folder in DIR)");
  process.exit(2);
}

// As the worker does: the web server comes first for the CPU while the backup copies.
const BACKUP_NICE = 10;
try {
  os.setPriority(BACKUP_NICE);
} catch {
  // Not allowed here: the backup runs at the usual priority.
}

const started = Date.now();
backupWorkbench({ dataDir: env.dataDir, databaseFile: env.databaseFile, into: args[0], log: (line) => console.log(line) }).then(
  ({ dir, manifest }) => {
    const bytes = manifest.files.reduce((a, f) => a + f.bytes, 0);
    console.log(
      `backup complete: ${dir} (${manifest.files.length} files, ${(bytes / 1048576).toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log("it holds the server's secret and hashed keys: keep it as safely as the data folder");
    process.exit(0);
  },
  (e) => {
    console.error(e instanceof BackupError ? `backup failed: ${e.message}` : e);
    process.exit(1);
  },
);
