import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { chooseBackend } from "./backend";

describe("chooseBackend", () => {
  it("skips backends that are not registered here and falls back to cpu", async () => {
    // Node registers neither webgl nor (without its import) wasm.
    expect(await chooseBackend()).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
  });

  it("says which backends failed when none works", async () => {
    await expect(chooseBackend(["webgpu", "nothing"])).rejects.toThrow(/webgpu: not registered; nothing: not registered/);
  });
});
