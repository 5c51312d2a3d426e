import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/shared/random";
import { dotKernel, jsDotKernel, wasmDotKernel } from "./dot-kernel";

function matrix(n: number, dim: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n * dim }, () => rand() * 2 - 1);
}

/** Σ_c q[c] · rows[i, c] in double precision, the reference. */
function reference(rows: Float32Array, q: Float32Array): number[] {
  const dim = q.length;
  return Array.from({ length: rows.length / dim }, (_, i) => q.reduce((sum, v, c) => sum + v * rows[i * dim + c], 0));
}

describe("dot-product kernel", () => {
  it("runs WebAssembly SIMD in Node", () => {
    expect(dotKernel(matrix(4, 8, 1), 8).kind).toBe("wasm-simd");
  });

  for (const dim of [1, 3, 4, 30, 32, 64]) {
    it(`wasm and js agree with the exact products (dim ${dim}, padded to a multiple of 4)`, () => {
      const rows = matrix(1000, dim, dim);
      const q = matrix(1, dim, 99);
      const expected = reference(rows, q);
      for (const kernel of [wasmDotKernel(rows, dim)!, jsDotKernel(rows, dim)]) {
        kernel.query.set(q);
        kernel.run();
        expect(kernel.scores.length).toBe(1000);
        kernel.scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i], 4));
      }
    });
  }

  it("setRows replaces the matrix and keeps the same buffers", () => {
    const dim = 6;
    const kernel = wasmDotKernel(matrix(50, dim, 1), dim)!;
    const { scores, query } = kernel;
    const next = matrix(50, dim, 2);
    kernel.setRows(next);
    query.set(matrix(1, dim, 3));
    kernel.run();
    expect(kernel.scores).toBe(scores);
    const expected = reference(next, query);
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i], 4));
    expect(() => kernel.setRows(new Float32Array(7))).toThrow(RangeError);
  });

  it("a catalog of 50,000 × 32 fits and scores every row", () => {
    const rows = matrix(50_000, 32, 5);
    const kernel = wasmDotKernel(rows, 32)!;
    kernel.query.fill(0);
    kernel.query[0] = 1;
    kernel.run();
    expect(kernel.scores[49_999]).toBeCloseTo(rows[49_999 * 32], 6);
  });
});
