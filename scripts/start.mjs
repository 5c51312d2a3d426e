// `npm start`: build when needed, then serve (web server and workers, supervised by launch.mjs). Migrations and
// samples run at server start (instrumentation.ts), so a fresh clone needs nothing else.
import { buildIfNeeded } from "./build-if-needed.mjs";
import { launch } from "./launch.mjs";

buildIfNeeded();
launch(process.env.PORT ?? "3000");
