/**
 * CSV records found in bytes, without making a string of them: the batch path's reader for
 * plain numeric files. Records end as `parseRecords` (csv-records.ts) ends them (a line break
 * outside quotes; a quote opens a quoted field only at the field's start), empty lines are
 * skipped, and a record is "plain" when its fields are exactly the bytes between its commas:
 * no quote, no carriage return but a final one before the line feed, and exactly `width`
 * fields. A plain record's field spans are given; any other record is left for the caller to
 * decode (`parseRecords` on its text), so odd records read exactly as the row path reads them.
 */
export interface ByteRecords {
  /** Fields a plain record has (the header's count). */
  readonly width: number;
  /** Records the arrays hold at most. */
  readonly capacity: number;
  /** Records found by the last scan. */
  count: number;
  /** Record i is buf[start[i], end[i]): its line break (LF or CRLF) excluded. */
  start: Int32Array;
  end: Int32Array;
  /** 1 when record i is plain. */
  plain: Uint8Array;
  /** A plain record's field k is buf[fieldStart[i·width + k], fieldEnd[i·width + k]). */
  fieldStart: Int32Array;
  fieldEnd: Int32Array;
}

export function byteRecords(width: number, capacity: number): ByteRecords {
  return {
    width,
    capacity,
    count: 0,
    start: new Int32Array(capacity),
    end: new Int32Array(capacity),
    plain: new Uint8Array(capacity),
    fieldStart: new Int32Array(capacity * width),
    fieldEnd: new Int32Array(capacity * width),
  };
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * The line feed ending a record with a quote in it, from `pos`; -1 when it is not within
 * buf[pos, to) or cannot be known yet (a quote at `to - 1` may be the first of "").
 */
function quotedRecordEnd(buf: Uint8Array, pos: number, to: number): number {
  let i = pos;
  for (;;) {
    if (i < to && buf[i] === QUOTE) {
      i++;
      for (;;) {
        while (i < to && buf[i] !== QUOTE) i++;
        if (i + 1 >= to) return -1;
        if (buf[i + 1] === QUOTE) {
          i += 2;
          continue;
        }
        i++;
        break;
      }
    }
    while (i < to && buf[i] !== COMMA && buf[i] !== LF) i++;
    if (i >= to) return -1;
    if (buf[i] === LF) return i;
    i++;
  }
}

/**
 * Scans whole records of buf[pos, to) into `out` (at most its capacity); returns where the next
 * record starts. `final`: `to` is the end of the input, so an unterminated last record counts.
 */
export function scanRecords(buf: Uint8Array, pos: number, to: number, final: boolean, out: ByteRecords): number {
  const width = out.width;
  const { start, end, plain, fieldStart, fieldEnd } = out;
  let n = 0;
  while (pos < to && n < out.capacity) {
    const base = n * width;
    let fields = 0;
    let fieldAt = pos;
    let lineEnd = -1;
    let next = -1;
    let simple = true;
    let i = pos;
    for (; i < to; i++) {
      const c = buf[i];
      if (c === COMMA) {
        if (fields < width) {
          fieldStart[base + fields] = fieldAt;
          fieldEnd[base + fields] = i;
        }
        fields++;
        fieldAt = i + 1;
      } else if (c === LF) {
        lineEnd = i;
        next = i + 1;
        break;
      } else if (c === CR) {
        if (i + 1 < to && buf[i + 1] === LF) {
          lineEnd = i;
          next = i + 2;
          break;
        }
        if (i + 1 >= to && !final) break; // a CRLF split by the read: wait for more
        simple = false;
        break;
      } else if (c === QUOTE) {
        simple = false;
        break;
      }
    }
    if (simple) {
      if (lineEnd < 0) {
        if (!final || i < to) break; // unfinished
        lineEnd = next = to;
      }
      if (lineEnd === pos) {
        pos = next; // an empty line
        continue;
      }
      if (fields < width) {
        fieldStart[base + fields] = fieldAt;
        fieldEnd[base + fields] = lineEnd;
      }
      start[n] = pos;
      end[n] = lineEnd;
      plain[n] = fields + 1 === width ? 1 : 0;
      n++;
      pos = next;
      continue;
    }
    // A quote or a stray carriage return: find the record's end quote-aware; the caller decodes it.
    let lf = quotedRecordEnd(buf, pos, to);
    if (lf < 0) {
      if (!final) break;
      lf = to;
    }
    start[n] = pos;
    end[n] = lf;
    plain[n] = 0;
    n++;
    pos = lf + 1;
  }
  out.count = n;
  return Math.min(pos, to);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A plain decimal number in buf[from, to) ("-0.1234", "+5", "12.", ".5"), or NaN for anything
 * else (blank, spaces, exponents, more than 15 digits — left to the full parser). Exactly
 * `Number(text)`: a mantissa below 2^53 divided by an exact power of ten rounds once, correctly.
 */
export function plainDecimal(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  let negative = false;
  if (i < to && (buf[i] === 45 || buf[i] === 43)) {
    negative = buf[i] === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  for (; i < to; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
  }
  if (i < to && buf[i] === 46) {
    for (i++; i < to; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      digits++;
      fraction++;
    }
  }
  if (i !== to || digits === 0 || digits > 15) return NaN;
  const value = fraction === 0 ? mantissa : mantissa / POW10[fraction];
  return negative ? -value : value;
}
