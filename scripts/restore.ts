// `npm run restore -- DIR [--to FOLDER]`: restores the backup in DIR (a backup folder, or the
// newest backup in a folder of them) into FOLDER, else WORKBENCH_DATA_DIR, which must be empty or
// absent. The backup is checked against its manifest before anything is written. See README "Backups".
// Exit code 0 when restored, 1 when refused or failed, 2 for a usage error.
import path from "node:path";
import { BackupError } from "@/lib/shared/server/backup-manifest";
import { restoreWorkbench } from "@/lib/shared/server/backup";
import { env } from "@/lib/shared/env";

const USAGE = "usage: npm run restore -- DIR [--to FOLDER]   (into FOLDER, else WORKBENCH_DATA_DIR; it must be empty)";
const args = process.argv.slice(2);
const at = args.indexOf("--to");
const to = at >= 0 ? args[at + 1] : undefined;
const rest = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
if (rest.length !== 1 || rest[0].startsWith("-") || (at >= 0 && !to)) {
  console.error(USAGE);
  process.exit(2);
}

// The data folder as the app reads it, unless --to names one.
const target = to ? path.resolve(to) : env.dataDir;
try {
  const { dir, manifest } = restoreWorkbench({ from: rest[0], to: target, log: (line) => console.log(line) });
  console.log(`restored ${dir} (made ${manifest.createdAt} by workbench ${manifest.workbenchVersion}) into ${target}`);
  console.log(`start the workbench on it: WORKBENCH_DATA_DIR=${target} npm start`);
} catch (e) {
  console.error(e instanceof BackupError ? `restore refused: ${e.message}` : e);
  process.exit(1);
}
