import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packTar, unpackTar } from "./tar";

describe("tar", () => {
  const entries = [
    { name: "manifest.json", data: new TextEncoder().encode('{"a":1}') },
    { name: "weights.bin", data: new Uint8Array(Array.from({ length: 1300 }, (_, i) => i % 251)) },
    { name: "empty.txt", data: new Uint8Array(0) },
  ];

  it("round-trips files byte for byte", () => {
    const back = unpackTar(packTar(entries));
    expect(back.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    back.forEach((e, i) => expect(Buffer.from(e.data).equals(Buffer.from(entries[i].data))).toBe(true));
  });

  it("writes archives the system tar reads", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tar-test-"));
    fs.writeFileSync(path.join(dir, "b.tar"), packTar(entries));
    execFileSync("tar", ["-xf", "b.tar"], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, "weights.bin")).equals(Buffer.from(entries[1].data))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a corrupted header", () => {
    const bytes = packTar(entries);
    bytes[3] ^= 0xff;
    expect(() => unpackTar(bytes)).toThrow(/checksum/);
  });
});
