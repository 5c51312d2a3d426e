import fs from "node:fs";
import { once } from "node:events";
import { mulberry32 } from "@/lib/shared/random";

/** Column kinds of the generated file: 20 columns covering every inferred type. */
const HEADER = [
  "id",
  "store",
  "brand",
  "week",
  "price",
  "qty",
  "promo",
  "temp (°C)",
  "score",
  "region",
  "units",
  "ratio",
  "flag",
  "day",
  "cost",
  "margin",
  "segment",
  "note",
  "visits",
  "rating",
];

const BRANDS = ["tropicana", "minute.maid", "dominicks"];
const REGIONS = ["north", "south", "east", "west", "central"];
const SEGMENTS = ["a", "b", "c", "d"];

/** Writes an N-row × 20-column CSV (≈100 bytes a row) and returns its size in bytes. */
export async function generateCsv(file: string, rows: number): Promise<number> {
  const rand = mulberry32(42);
  const out = fs.createWriteStream(file);
  out.write(HEADER.map((h) => (h.includes(" ") ? `"${h}"` : h)).join(",") + "\n");
  const day0 = Date.UTC(2020, 0, 1);
  let buf = "";
  for (let i = 0; i < rows; i++) {
    const r = rand();
    const day = new Date(day0 + Math.floor(r * 1000) * 86_400_000).toISOString().slice(0, 10);
    buf +=
      `${i},${1 + Math.floor(rand() * 80)},${BRANDS[i % 3]},${1 + (i % 52)},${(1 + rand() * 3).toFixed(2)},` +
      `${Math.floor(rand() * 20000)},${rand() < 0.3},${(rand() * 35 - 5).toFixed(1)},${rand().toFixed(4)},${REGIONS[i % 5]},` +
      `${Math.floor(rand() * 100)},${rand() < 0.02 ? "" : rand().toFixed(3)},${rand() < 0.5 ? "yes" : "no"},${day},${(rand() * 100).toFixed(2)},` +
      `${(rand() - 0.5).toFixed(3)},${SEGMENTS[i % 4]},note ${i % 977},${Math.floor(rand() * 5000)},${1 + Math.floor(rand() * 5)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.write(buf);
  out.end();
  await once(out, "finish");
  return fs.statSync(file).size;
}
