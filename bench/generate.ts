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
export function generateCsv(file: string, rows: number): Promise<number> {
  const rand = mulberry32(42);
  const day0 = Date.UTC(2020, 0, 1);
  const header = HEADER.map((h) => (h.includes(" ") ? `"${h}"` : h)).join(",");
  return writeCsv(file, header, rows, (i) => {
    const r = rand();
    const day = new Date(day0 + Math.floor(r * 1000) * 86_400_000).toISOString().slice(0, 10);
    return (
      `${i},${1 + Math.floor(rand() * 80)},${BRANDS[i % 3]},${1 + (i % 52)},${(1 + rand() * 3).toFixed(2)},` +
      `${Math.floor(rand() * 20000)},${rand() < 0.3},${(rand() * 35 - 5).toFixed(1)},${rand().toFixed(4)},${REGIONS[i % 5]},` +
      `${Math.floor(rand() * 100)},${rand() < 0.02 ? "" : rand().toFixed(3)},${rand() < 0.5 ? "yes" : "no"},${day},${(rand() * 100).toFixed(2)},` +
      `${(rand() - 0.5).toFixed(3)},${SEGMENTS[i % 4]},note ${i % 977},${Math.floor(rand() * 5000)},${1 + Math.floor(rand() * 5)}`
    );
  });
}

/** Writes `header` and `rows` lines made by `line(i)`, a megabyte at a time; returns the file's size in bytes. */
async function writeCsv(file: string, header: string, rows: number, line: (i: number) => string): Promise<number> {
  const out = fs.createWriteStream(file);
  let buf = `${header}\n`;
  for (let i = 0; i < rows; i++) {
    buf += `${line(i)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "finish");
  return fs.statSync(file).size;
}

/** Car makes, each with a price factor: the cars-shaped data's main category. */
const MAKES: [string, number][] = [
  ["toyota", 1],
  ["ford", 0.9],
  ["volkswagen", 1.05],
  ["bmw", 1.6],
  ["mercedes", 1.7],
  ["honda", 1],
  ["hyundai", 0.85],
  ["kia", 0.85],
  ["audi", 1.55],
  ["volvo", 1.3],
  ["renault", 0.8],
  ["peugeot", 0.8],
];
const BODIES: [string, number][] = [
  ["sedan", 1],
  ["suv", 1.25],
  ["hatchback", 0.85],
  ["wagon", 1.05],
  ["coupe", 1.2],
  ["van", 0.95],
];
/** The cars-shaped file's columns; `price` (the target) only when asked for. */
export const CARS_FEATURES = ["sold_on", "make", "body", "model_year", "odometer_km", "engine_l", "horsepower", "mpg", "weight_kg", "doors"] as const;
/** The numeric cars columns that have missing cells, each this share of the time. */
export const CARS_MISSING = { odometer_km: 0.03, engine_l: 0.05, horsepower: 0.04, mpg: 0.02 } as const;

/**
 * Writes `rows` rows shaped like a used-cars table (a sale date, make and body as categories,
 * numbers with some cells missing, and with `target` the price they explain), seeded, so the
 * batch bench and its pandas baseline read the same file; returns its size in bytes.
 */
export function generateCarsCsv(file: string, rows: number, opts: { seed?: number; target?: boolean } = {}): Promise<number> {
  const rand = mulberry32(opts.seed ?? 7);
  const day0 = Date.UTC(2015, 0, 1);
  const missing = (share: number, text: string) => (rand() < share ? "" : text);
  const header = [...CARS_FEATURES, ...(opts.target ? ["price"] : [])].join(",");
  return writeCsv(file, header, rows, () => {
    const [make, makeFactor] = MAKES[Math.floor(rand() * MAKES.length)];
    const [body, bodyFactor] = BODIES[Math.floor(rand() * BODIES.length)];
    const soldOn = new Date(day0 + Math.floor(rand() * 3650) * 86_400_000).toISOString().slice(0, 10);
    const year = 2000 + Math.floor(rand() * 23);
    const km = Math.round((2024 - year) * (8000 + rand() * 12000));
    const engine = 1 + Math.round(rand() * 30) / 10;
    const hp = Math.round(engine * (60 + rand() * 40));
    const mpg = Math.max(12, 60 - engine * 8 + (rand() - 0.5) * 10);
    const weight = Math.round(900 + engine * 300 + rand() * 400);
    const line =
      `${soldOn},${make},${body},${year},${missing(CARS_MISSING.odometer_km, String(km))},${missing(CARS_MISSING.engine_l, engine.toFixed(1))},` +
      `${missing(CARS_MISSING.horsepower, String(hp))},${missing(CARS_MISSING.mpg, mpg.toFixed(1))},${weight},${rand() < 0.7 ? 4 : 2}`;
    if (!opts.target) return line;
    const price = makeFactor * bodyFactor * (4000 + hp * 90 + (year - 2000) * 700 - km * 0.04) * (0.9 + rand() * 0.2);
    return `${line},${Math.max(500, price).toFixed(0)}`;
  });
}
