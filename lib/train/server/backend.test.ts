import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initServerBackend } from "./backend";

describe("initServerBackend", () => {
  it("starts the wasm backend once and runs ops on it", async () => {
    const [first, second] = await Promise.all([initServerBackend(), initServerBackend()]);
    expect(first).toBe("wasm");
    expect(second).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])));
    expect(Array.from(await sum.data())).toEqual([4, 6]);
    sum.dispose();
  });

  it("puts wasm back when something switched the backend", async () => {
    await tf.setBackend("cpu");
    expect(await initServerBackend()).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });
});
