// The server the API and e2e tests talk to: the built app and its workers, on their own port
// and a fresh data folder.
import fs from "node:fs";
import { launch } from "./launch.mjs";

const dataDir = process.env.WORKBENCH_DATA_DIR;
if (!dataDir) throw new Error("serve-test needs WORKBENCH_DATA_DIR");
fs.rmSync(dataDir, { recursive: true, force: true });
launch(process.env.PORT ?? "3100");
