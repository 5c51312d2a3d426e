import * as tf from "@tensorflow/tfjs";

/**
 * Picks the fastest tfjs backend that works where the code runs (browser-safe). The browser
 * tries WebGL first; wasm is tried only when its package has been registered (and told where
 * its .wasm files are, see setWasmPaths); cpu always works.
 */

export const BACKEND_PREFERENCE = ["webgl", "wasm", "cpu"] as const;

/**
 * Sets the first backend of `preferred` that is registered and initialises, and returns its
 * name. Throws when none does.
 */
export async function chooseBackend(preferred: readonly string[] = BACKEND_PREFERENCE): Promise<string> {
  const failures: string[] = [];
  for (const name of preferred) {
    if (tf.getBackend() === name && tf.findBackend(name)) return name;
    // setBackend throws for an unregistered name; a registered one that fails to start answers false.
    if (!tf.findBackendFactory(name)) {
      failures.push(`${name}: not registered`);
      continue;
    }
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: failed to initialise`);
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new Error(`no tfjs backend could be started (${failures.join("; ")})`);
}
