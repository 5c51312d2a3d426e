import { describe, expect, it } from "vitest";
import { ACTIVATIONS } from "./algorithms/tabular/params";
import { buildSweepSpace, EMPTY_SWEEP_DRAFT, formatSweepValue, gridSize, SWEEP_PARAM_FIELDS } from "./sweep-space";

describe("sweep space", () => {
  it("turns the form's lists into a space, architectures split by |", () => {
    const { space, errors } = buildSweepSpace(
      { ...EMPTY_SWEEP_DRAFT, learningRate: "0.001, 0.01", hiddenUnits: "64,32 | 32", activation: "relu tanh" },
      SWEEP_PARAM_FIELDS,
      ACTIVATIONS,
    );
    expect(errors).toEqual({});
    expect(space).toEqual({ learningRate: [0.001, 0.01], hiddenUnits: [[64, 32], [32]], activation: ["relu", "tanh"] });
    expect(gridSize(space)).toBe(8);
    expect(gridSize({})).toBe(0);
  });

  it("names what does not parse, per field", () => {
    const { errors } = buildSweepSpace({ ...EMPTY_SWEEP_DRAFT, epochs: "10, 2.5", activation: "swish", hiddenUnits: "64,x" }, SWEEP_PARAM_FIELDS, ACTIVATIONS);
    expect(errors.epochs).toMatch(/2\.5/);
    expect(errors.activation).toMatch(/swish/);
    expect(errors.hiddenUnits).toMatch(/64,x/);
  });

  it("offers each param for exactly the algorithms whose run form has it", () => {
    const algorithmsOf = (name: string) => SWEEP_PARAM_FIELDS.find((f) => f.name === name)!.algorithms;
    expect(algorithmsOf("activation")).toEqual(["mlp"]);
    expect(algorithmsOf("hiddenUnits")).toEqual(["mlp", "forecaster"]);
    expect(algorithmsOf("l2")).toEqual(["linear", "logistic", "mlp", "forecaster"]);
    expect(algorithmsOf("learningRate")).toHaveLength(5);
    expect(formatSweepValue([64, 32])).toBe("64, 32");
    expect(formatSweepValue({ a: 1 })).toBe('{"a":1}');
  });
});
