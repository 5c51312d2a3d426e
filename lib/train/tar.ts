/**
 * A minimal ustar writer and reader for model bundles: regular files only, names up to 100
 * bytes. Browser-safe (Uint8Array in, Uint8Array out), so a bundle opens anywhere, and any
 * `tar -xf` unpacks it to a folder where tf.loadLayersModel("file://…/model.json") works.
 */
const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

function writeString(block: Uint8Array, offset: number, length: number, value: string) {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`tar: "${value}" is longer than ${length} bytes`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number) {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

function header(name: string, size: number, mtimeSec: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, mtimeSec);
  block.fill(32, 148, 156); // checksum field counts as spaces while summing
  block[156] = "0".charCodeAt(0);
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  let sum = 0;
  for (const b of block) sum += b;
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

export function packTar(entries: TarEntry[], mtime = new Date(0)): Uint8Array {
  const mtimeSec = Math.floor(mtime.getTime() / 1000);
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const e of entries) {
    out.set(header(e.name, e.data.length, mtimeSec), pos);
    pos += BLOCK;
    out.set(e.data, pos);
    pos += Math.ceil(e.data.length / BLOCK) * BLOCK;
  }
  return out;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return decoder.decode(end === -1 ? slice : slice.subarray(0, end));
}

/** Reads the regular files of a tar; throws on a malformed archive (bad checksum, truncated). */
export function unpackTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  while (pos + BLOCK <= bytes.length) {
    const block = bytes.subarray(pos, pos + BLOCK);
    if (block.every((b) => b === 0)) break;
    const stored = parseInt(readString(block, 148, 8).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
    if (stored !== sum) throw new Error(`tar: bad header checksum at byte ${pos}`);
    const name = readString(block, 0, 100);
    const size = parseInt(readString(block, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(block[156] || 48);
    pos += BLOCK;
    if (pos + size > bytes.length) throw new Error(`tar: ${name} is truncated`);
    if (type === "0") entries.push({ name, data: bytes.slice(pos, pos + size) });
    pos += Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
