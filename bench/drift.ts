/**
 * Issue 6's figure: drift of a 1,000,000-row × 10-feature window against a 500-row reference
 * sample, in-process (BENCH_ONLY=drift for this part alone).
 */
export async function benchDrift(): Promise<void> {
  const { driftReport } = await import("@/lib/monitor/drift");
  const { mulberry32 } = await import("@/lib/shared/random");
  const rand = mulberry32(17);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const columns = Array.from({ length: 10 }, (_, j) => ({ name: `f${j}`, type: (j < 8 ? "number" : "category") as "number" | "category" }));
  const row = (shift: number) =>
    Object.fromEntries(columns.map((c, j) => [c.name, c.type === "number" ? normal() + (j === 0 ? shift : 0) : ["a", "b", "c", "d"][Math.floor(rand() * 4)]]));
  const reference = Array.from({ length: 500 }, () => row(0));
  const current = Array.from({ length: 1_000_000 }, () => row(0.5));
  const t = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = driftReport(columns, reference, current);
  const cpu = process.cpuUsage(cpuBefore);
  const ms = performance.now() - t;
  // CPU time beside wall time: on a busy machine the wall time mostly measures the others.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (report.features.length !== columns.length || report.features.some((f) => f.currentRows !== current.length)) {
    throw new Error(`drift: expected ${columns.length} features over ${current.length} rows each`);
  }
  console.log(
    `drift, 1,000,000 rows × 10 features vs a 500-row reference   ${(ms / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU (goal ≤ 2 s); drifted: ${
      report.features
        .filter((f) => f.drifted)
        .map((f) => f.name)
        .join(", ") || "none"
    } (f0 was shifted by 0.5 std)`,
  );
}
