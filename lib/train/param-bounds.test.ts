import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/shared/errors";
import { ALGORITHMS, type AlgorithmId, getAlgorithm } from "./algorithms/registry";
import { FORECASTER_DEFAULTS } from "./algorithms/forecaster/params";
import { RECOMMENDER_DEFAULTS } from "./algorithms/recommender/params";
import { ACTIVATIONS, resolveTabularParams, TABULAR_DEFAULTS } from "./algorithms/tabular/params";
import { boundViolation, MAX_TRAINING_STEPS, spaceViolations, trainingStepBudget, workViolation, type ParamBound } from "./param-bounds";
import { parseParamDraft } from "./param-fields";
import { parseParams } from "./params";
import { resolveRunParams } from "./run-params";
import { buildSweepSpace, EMPTY_SWEEP_DRAFT, SWEEP_PARAM_FIELDS } from "./sweep-space";

/** Values just beyond a bound (and of the wrong type): each must be refused. */
function beyond(bound: ParamBound): unknown[] {
  switch (bound.kind) {
    case "int":
      return [bound.min - 1, bound.max + 1, bound.min + 0.5, "7", null];
    case "number":
      return [bound.min - Math.max(1e-7, bound.min / 2), bound.max * 1.01 + 1e-9, Number.NaN, "0.1"];
    case "intList":
      return [[], Array.from({ length: bound.maxItems + 1 }, () => bound.min), [bound.max + 1], [bound.min - 1], [bound.min, 1.5], bound.min];
    case "choice":
      return ["nope", 1];
    case "boolean":
      return ["yes", 1];
    case "column":
      return ["", 3];
    case "columnList":
      return [Array.from({ length: bound.maxItems + 1 }, (_, i) => `c${i}`), [""], "c"];
  }
}

/** A bound's own ends (and each allowed value): each must be accepted. */
function ends(bound: ParamBound): unknown[] {
  switch (bound.kind) {
    case "int":
    case "number":
      return [bound.min, bound.max];
    case "intList":
      return [Array.from({ length: bound.maxItems }, () => bound.max), [bound.min]];
    case "choice":
      return [...bound.options];
    case "boolean":
      return [true, false];
    case "column":
      return ["x"];
    case "columnList":
      return [[], Array.from({ length: bound.maxItems }, (_, i) => `c${i}`)];
  }
}

/** The params a run of `algorithm` takes are checked with its schema: the field errors of a refused value. */
function refusal(algorithm: AlgorithmId, params: Record<string, unknown>): string[] {
  try {
    parseParams(getAlgorithm(algorithm).schema, params);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("VALIDATION");
    return (e as AppError).errors.map((x) => x.field);
  }
  return [];
}

describe("param bounds", () => {
  it("refuse every param of every algorithm beyond its range, naming params.<name>", () => {
    for (const { id: algorithm, bounds } of ALGORITHMS) {
      for (const [name, bound] of Object.entries(bounds)) {
        for (const value of beyond(bound)) {
          expect(refusal(algorithm, { [name]: value }), `${algorithm} ${name}=${JSON.stringify(value)}`).toEqual([`params.${name}`]);
        }
      }
    }
  });

  it("accept each bound's own ends", () => {
    for (const { id: algorithm, bounds } of ALGORITHMS) {
      for (const [name, bound] of Object.entries(bounds)) {
        for (const value of ends(bound)) expect(refusal(algorithm, { [name]: value }), `${algorithm} ${name}=${JSON.stringify(value)}`).toEqual([]);
      }
    }
  });

  it("hold every algorithm's defaults", () => {
    for (const { id, bounds, defaults } of ALGORITHMS) {
      for (const [name, value] of Object.entries(defaults)) {
        // A convex model's defaults say hiddenUnits: [] (no hidden layer): its params take that back (below).
        if (id !== "mlp" && name === "hiddenUnits") continue;
        expect(bounds[name], `${id} ${name} has a bound`).toBeDefined();
        expect(boundViolation(bounds[name], value), `${id} ${name}=${JSON.stringify(value)}`).toBeUndefined();
      }
    }
    // The convex models store hiddenUnits: [] (no hidden layer) and take it back.
    expect(resolveTabularParams("linear", TABULAR_DEFAULTS.linear)).toEqual(TABULAR_DEFAULTS.linear);
    expect(resolveTabularParams("logistic", {})).toEqual(TABULAR_DEFAULTS.logistic);
    expect(resolveTabularParams("mlp", {})).toEqual(TABULAR_DEFAULTS.mlp);
  });

  it("refuse issue 13's run: 8 × 1024 hidden units, batch size 1 (1000 epochs is within range)", () => {
    const fields = refusal("mlp", { hiddenUnits: Array(8).fill(1024), batchSize: 1, epochs: 1000 });
    expect(fields.sort()).toEqual(["params.batchSize", "params.hiddenUnits"]);
    let message = "";
    try {
      resolveTabularParams("mlp", { hiddenUnits: [64, 1024] });
    } catch (e) {
      message = (e as AppError).errors[0].message;
    }
    expect(message).toBe("must be a list of 1 to 4 whole numbers, each from 1 to 512; item 2 is 1024");
    expect(refusal("mlp", { hiddenUnits: [512, 512, 512, 512], batchSize: 8, epochs: 1000 })).toEqual([]);
  });

  it("name an unknown param rather than ignore it", () => {
    expect(refusal("forecaster", { horizn: 3 })).toEqual(["params.horizn"]);
  });
});

describe("total-work guard", () => {
  const rows = [10, 2_000, 100_000, 10_000_000];

  it("lets every algorithm's defaults through, on data of any size", () => {
    for (const algorithm of ALGORITHMS) {
      for (const n of rows) expect(workViolation(getAlgorithm(algorithm.id), algorithm.defaults, n), `${algorithm.id} on ${n} rows`).toBeUndefined();
    }
  });

  it("lets small data take any params within bounds, up to the fixed budget", () => {
    // The e2e tests' long run to cancel: 2,000 rows, batch 8, 1,000 epochs = 250,000 steps.
    const mlp = getAlgorithm("mlp");
    expect(mlp.trainingSteps({ ...TABULAR_DEFAULTS.mlp, epochs: 1000, batchSize: 8 }, 2000)).toBe(250_000);
    expect(workViolation(mlp, { ...TABULAR_DEFAULTS.mlp, epochs: 1000, batchSize: 8 }, 2000)).toBeUndefined();
    expect(trainingStepBudget(2000)).toBe(MAX_TRAINING_STEPS);
  });

  it("refuses many epochs of small batches on large data, naming epochs and batch size", () => {
    const refused = workViolation(getAlgorithm("mlp"), { ...TABULAR_DEFAULTS.mlp, epochs: 1000, batchSize: 8 }, 100_000);
    expect(refused?.map((e) => e.field)).toEqual(["params.epochs", "params.batchSize"]);
    expect(refused?.[0].message).toMatch(/12,500,000 gradient steps .* more than the 3,200,000/);
    expect(workViolation(getAlgorithm("forecaster"), { ...FORECASTER_DEFAULTS, ensembleSize: 10, epochs: 500, batchSize: 8 }, 5_000)?.[0].message).toMatch(
      /ensembleSize × epochs × rows × horizon ÷ batchSize/,
    );
    expect(workViolation(getAlgorithm("recommender"), { ...RECOMMENDER_DEFAULTS, epochs: 200, batchSize: 8 }, 50_000)?.[0].message).toMatch(
      /epochs × rows × 10 pairs ÷ batchSize/,
    );
  });

  it("is applied when a run's params are resolved against data of known size", () => {
    const ctx = { target: "y", targetType: "number" as const, columns: [{ name: "a", type: "number" as const }], rows: 100_000 };
    expect(resolveRunParams("mlp", {}, ctx)).toEqual(TABULAR_DEFAULTS.mlp);
    expect(() => resolveRunParams("mlp", { epochs: 1000, batchSize: 8 }, ctx)).toThrow(/gradient steps/);
    expect(resolveRunParams("mlp", { epochs: 1000, batchSize: 8 }, { ...ctx, rows: undefined })).toMatchObject({ epochs: 1000, batchSize: 8 });
  });
});

describe("sweep spaces", () => {
  it("check each value of the space against the algorithm's bounds, on space.<name>", () => {
    expect(spaceViolations(getAlgorithm("mlp"), { learningRate: [0.01, 0.1], hiddenUnits: [[64], [32, 16]] })).toEqual([]);
    const errors = spaceViolations(getAlgorithm("mlp"), { learningRate: [0.01, 7], hiddenUnits: [[64], Array(8).fill(1024)], batchSize: [1, 64] });
    expect(errors.map((e) => e.field)).toEqual(["space.learningRate", "space.hiddenUnits", "space.batchSize"]);
    expect(errors[0].message).toMatch(/^value 2 must be a number from 0.000001 to 1/);
    expect(spaceViolations(getAlgorithm("linear"), { speed: [1] })).toEqual([{ field: "space.speed", message: expect.stringContaining('no param "speed"') }]);
    // Bounds are the algorithm's: 600 epochs are a tabular model's, not a forecaster's.
    expect(spaceViolations(getAlgorithm("mlp"), { epochs: [600] })).toEqual([]);
    expect(spaceViolations(getAlgorithm("forecaster"), { epochs: [600] })).toHaveLength(1);
  });

  it("are checked in the sweep form too, given the algorithm", () => {
    const draft = { ...EMPTY_SWEEP_DRAFT, batchSize: "1, 64", hiddenUnits: "64 | 1024,32" };
    const { space, errors } = buildSweepSpace(draft, SWEEP_PARAM_FIELDS, ACTIVATIONS, "mlp");
    expect(errors.batchSize).toBe("Each value must be a whole number from 8 to 8192; 1 is not.");
    expect(errors.hiddenUnits).toMatch(/1024, 32 is not/);
    expect(space).toEqual({});
    expect(buildSweepSpace(draft, SWEEP_PARAM_FIELDS, ACTIVATIONS).errors).toEqual({});
  });
});

describe("the run form", () => {
  it("has a bound for every field, and refuses a value beyond it before asking the server", () => {
    for (const a of ALGORITHMS) for (const f of a.fields) expect(f.bound, `${a.id} ${f.name}`).toEqual(a.bounds[f.name]);
    const { params, errors } = parseParamDraft(getAlgorithm("mlp").fields, { epochs: "1001", batchSize: "1", hiddenUnits: "1024, 1024", learningRate: "0.01" });
    expect(params).toEqual({ learningRate: 0.01 });
    expect(errors).toEqual({
      epochs: "Enter a whole number from 1 to 1000.",
      batchSize: "Enter a whole number from 8 to 8192.",
      hiddenUnits: "Enter a list of 1 to 4 whole numbers, each from 1 to 512.",
    });
  });
});
