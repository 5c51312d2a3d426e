import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { fileWriteStream } from "./file-fault";

describe("fileWriteStream", () => {
  it("on a disk full after N bytes, writes what fits, then fails with ENOSPC", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-fault-"));
    try {
      const file = path.join(dir, "upload.csv");
      const chunks = [Buffer.alloc(600, "a"), Buffer.alloc(600, "b"), Buffer.alloc(600, "c")];
      await expect(pipeline(Readable.from(chunks), fileWriteStream(file, 1000))).rejects.toMatchObject({ code: "ENOSPC" });
      expect(fs.readFileSync(file, "latin1")).toBe("a".repeat(600) + "b".repeat(400));
      // Without a limit: the whole file.
      await pipeline(Readable.from(chunks), fileWriteStream(file, undefined));
      expect(fs.statSync(file).size).toBe(1800);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
