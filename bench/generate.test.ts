import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CARS_FEATURES, CARS_MISSING, generateCarsCsv } from "./generate";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "generate-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) => fs.readFileSync(file, "utf8").trimEnd().split("\n");

describe("generateCarsCsv", () => {
  it("writes the header and one line a row, the price only when asked for", async () => {
    const plain = path.join(dir, "plain.csv");
    const withTarget = path.join(dir, "target.csv");
    const size = await generateCarsCsv(plain, 50);
    await generateCarsCsv(withTarget, 50, { target: true });
    expect(size).toBe(fs.statSync(plain).size);
    expect(lines(plain)[0]).toBe(CARS_FEATURES.join(","));
    expect(lines(plain)).toHaveLength(51);
    expect(lines(withTarget)[0]).toBe([...CARS_FEATURES, "price"].join(","));
    for (const line of lines(withTarget).slice(1)) expect(line.split(",")).toHaveLength(CARS_FEATURES.length + 1);
  });

  it("writes the same file for the same seed and another for another seed", async () => {
    const [a, b, c] = ["a.csv", "b.csv", "c.csv"].map((f) => path.join(dir, f));
    await generateCarsCsv(a, 200, { seed: 3 });
    await generateCarsCsv(b, 200, { seed: 3 });
    await generateCarsCsv(c, 200, { seed: 4 });
    expect(fs.readFileSync(a, "utf8")).toBe(fs.readFileSync(b, "utf8"));
    expect(fs.readFileSync(a, "utf8")).not.toBe(fs.readFileSync(c, "utf8"));
  });

  it("leaves cells missing in the numbers that have them, about as often as said, and dates as ISO days", async () => {
    const file = path.join(dir, "missing.csv");
    await generateCarsCsv(file, 20_000);
    const [header, ...rows] = lines(file).map((l) => l.split(","));
    for (const [column, share] of Object.entries(CARS_MISSING)) {
      const j = header.indexOf(column);
      const missing = rows.filter((r) => r[j] === "").length / rows.length;
      expect(missing).toBeGreaterThan(share * 0.7);
      expect(missing).toBeLessThan(share * 1.3);
    }
    const complete = header.filter((h) => !(h in CARS_MISSING)).map((h) => header.indexOf(h));
    expect(rows.every((r) => complete.every((j) => r[j] !== ""))).toBe(true);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r[header.indexOf("sold_on")]))).toBe(true);
  });
});
