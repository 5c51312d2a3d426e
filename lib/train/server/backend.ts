import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { chooseBackend } from "../backend";

/**
 * The tfjs backend of Node (server runs, batch jobs, tests): wasm with SIMD, 5–8× faster than
 * cpu for batched prediction, falling back to cpu when wasm cannot start.
 * Importing "@tensorflow/tfjs-backend-wasm" registers the backend; it still has to be told
 * where its .wasm files are, as a directory with a trailing slash.
 */

export const WASM_DIR = path.join(process.cwd(), "node_modules/@tensorflow/tfjs-backend-wasm/dist") + "/";

let initialised: Promise<string> | undefined;

/** Sets the wasm backend (or cpu) once per process and returns its name; later calls share the first. */
export function initServerBackend(): Promise<string> {
  initialised ??= (async () => {
    setWasmPaths(WASM_DIR);
    const name = await chooseBackend(["wasm", "cpu"]);
    if (name !== "wasm") console.warn("tfjs: the wasm backend did not start; training on the slower cpu backend");
    return name;
  })();
  initialised.catch(() => {
    initialised = undefined; // let a later call try again
  });
  return initialised.then((name) => {
    // Something else may have switched backends since; put ours back.
    if (tf.getBackend() !== name) return tf.setBackend(name).then(() => name);
    return name;
  });
}
