import { describe, expect, it } from "vitest";
import { describePeaks, describeSample, verdict } from "./data";
import type { BenchRun } from "./serving";

const run = (over: Partial<BenchRun>): BenchRun => ({ id: "run_1", status: "succeeded", error: null, params: {}, details: null, durationMs: 10, ...over });

describe("describeSample", () => {
  it("names what the run says about its sample, wherever it says it", () => {
    const text = describeSample(
      run({ sampleRows: 250_000, params: { epochs: 3 }, details: { sample: { rows: 250_000, of: 10_000_000, seed: 1 }, rows: { train: 200_000 } } }),
    );
    expect(text).toContain("sampleRows = 250000");
    expect(text).toContain('details.sample = {"rows":250000,"of":10000000,"seed":1}');
    expect(text).toContain('rows per part {"train":200000}');
    expect(text).not.toContain("epochs");
  });

  it("says when the run reports nothing about sampling", () => {
    expect(describeSample(run({ details: { rows: { train: 80, validation: 20 } } }))).toBe(
      'the run reports nothing about sampling (rows per part {"train":80,"validation":20})',
    );
    expect(describeSample(run({}))).toBe("the run reports nothing about sampling");
  });
});

describe("describePeaks", () => {
  const peaks = [
    { pid: 1, role: "web server", peakMb: 400.4, exited: false },
    { pid: 2, role: "batch worker", peakMb: 900, exited: true },
  ];

  it("lists each process's peak and passes when every one is under the limit", () => {
    expect(describePeaks(peaks, 1024)).toBe("web server[1] 400 MiB, batch worker[2] 900 MiB (exited) — every process < 1024 MiB: PASS");
  });

  it("fails when one process reaches the limit", () => {
    expect(describePeaks([...peaks, { pid: 3, role: "training worker", peakMb: 1024, exited: false }], 1024)).toMatch(/: FAIL$/);
  });
});

describe("verdict", () => {
  it("passes a figure within its target and fails one beyond", () => {
    expect(verdict(2, 2)).toBe("PASS");
    expect(verdict(2.01, 2)).toBe("FAIL");
  });
});
