import fs from "node:fs";

/** A file read through one buffer for a record scan (csv-bytes.ts scanRecords): buf[pos, have) is read and not yet taken. */
export interface FileWindow {
  fd: number;
  buf: Buffer;
  have: number;
  pos: number;
  eof: boolean;
}

export const openWindow = (file: string, bytes: number): FileWindow => ({
  fd: fs.openSync(file, "r"),
  buf: Buffer.allocUnsafe(bytes),
  have: 0,
  pos: 0,
  eof: false,
});

/**
 * After a scan that found `found` records from `pos`: when that is fewer than `capacity` and more
 * of the file is to come, reads more (the unscanned tail moved to the front; the buffer grows only
 * for a record longer than itself) and returns true, so the caller scans again — unless the
 * buffer is already full of whole records (wide rows), which are then the chunk.
 */
export function readMoreIfShort(w: FileWindow, found: number, capacity: number): boolean {
  if (found >= capacity || w.eof || (found > 0 && w.pos === 0 && w.have === w.buf.length)) return false;
  w.buf.copyWithin(0, w.pos, w.have);
  w.have -= w.pos;
  w.pos = 0;
  if (w.have === w.buf.length) {
    const bigger = Buffer.allocUnsafe(w.buf.length * 2);
    w.buf.copy(bigger, 0, 0, w.have);
    w.buf = bigger;
  }
  const n = fs.readSync(w.fd, w.buf, w.have, w.buf.length - w.have, null);
  if (n === 0) w.eof = true;
  w.have += n;
  return true;
}
