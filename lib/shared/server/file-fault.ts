import fs from "node:fs";
import { Writable } from "node:stream";
import { env } from "@/lib/shared/env";

/** The error a write on a full disk fails with, as Node gives it. */
const noSpaceError = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });

/**
 * A stream writing `file`. Tests only (WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES): the disk is full
 * once the file reaches that size; as the kernel does, a write takes what fits, and one with no
 * room left fails with ENOSPC. Without the setting, fs.createWriteStream's stream itself.
 */
export function fileWriteStream(file: string, fullAfterBytes = env.WORKBENCH_FAULT_FILE_FULL_AFTER_BYTES): Writable {
  const out = fs.createWriteStream(file);
  if (!fullAfterBytes) return out;
  let size = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const fits = Math.max(0, Math.min(chunk.length, fullAfterBytes - size));
      size += fits;
      const full = fits < chunk.length ? noSpaceError() : null;
      if (fits === 0) return callback(full);
      out.write(chunk.subarray(0, fits), (e) => callback(e ?? full));
    },
    final(callback) {
      out.end(() => callback());
    },
    destroy(error, callback) {
      out.destroy();
      callback(error);
    },
  });
}
