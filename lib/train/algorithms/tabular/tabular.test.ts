import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/shared/errors";
import { mulberry32 } from "@/lib/shared/random";
import type { Matrix } from "../../matrix";
import { initServerBackend } from "../../server/backend";
import type { ClassPrediction, EpochLog } from "../../types";
import { denseWeights, linearCoefficients, predictRowFast } from "./dense";
import { evaluateTabular } from "./model";
import { resolveTabularParams, TABULAR_DEFAULTS } from "./params";
import { loadTabular, serializeTabular } from "./save";
import { trainTabular, type TrainTabularInput } from "./train";

beforeAll(async () => {
  await initServerBackend();
});

/** Standard normal draws from a seeded uniform PRNG (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** n rows of `cols` features drawn by `feature`, and a target computed from them. */
function dataset<Y>(
  n: number,
  seed: number,
  cols: number,
  feature: (random: () => number, j: number) => number,
  target: (x: number[], random: () => number) => Y,
) {
  const random = mulberry32(seed);
  const data = new Float32Array(n * cols);
  const y: Y[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: cols }, (_, j) => Math.fround(feature(random, j)));
    data.set(row, i * cols);
    y.push(target(row, random));
  }
  return { x: { data, rows: n, cols } satisfies Matrix, y };
}

/** y = 3a − 2b + 1 + small noise, on features of different scales. */
const linearSet = (n: number, seed: number) =>
  dataset(
    n,
    seed,
    2,
    (r, j) => (j === 0 ? normal(r) * 2 + 1 : normal(r) * 50 - 30),
    ([a, b], r) => 3 * a - 2 * b + 1 + 0.05 * normal(r),
  );
/** y = sin(x) on [−2π, 2π]. */
const sinSet = (n: number, seed: number) =>
  dataset(
    n,
    seed,
    1,
    (r) => (r() * 2 - 1) * 2 * Math.PI,
    ([x]) => Math.sin(x),
  );
/** Gaussian blobs (σ = 1) around the given centres, one class per centre, taken in turn. */
function blobs(n: number, seed: number, centres: [number, number][]) {
  const random = mulberry32(seed);
  const data = new Float32Array(n * 2);
  const y: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % centres.length;
    data[2 * i] = centres[k][0] + normal(random);
    data[2 * i + 1] = centres[k][1] + normal(random);
    y.push(`class${k}`);
  }
  return { x: { data, rows: n, cols: 2 } satisfies Matrix, y };
}

async function expectAppError(promise: Promise<unknown>, field: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("VALIDATION");
  expect((error as AppError).errors[0].field).toBe(field);
  expect((error as AppError).message).toMatch(message);
}

describe("linear", () => {
  it("recovers the coefficients of y = 3a − 2b + 1 in raw units", async () => {
    const model = await trainTabular({ algorithm: "linear", task: "regression", train: linearSet(400, 1), validation: linearSet(100, 2) });
    const { weights, intercept } = await linearCoefficients(model);
    expect(weights[0]).toBeCloseTo(3, 1);
    expect(Math.abs(weights[0] - 3)).toBeLessThan(0.05);
    expect(Math.abs(weights[1] + 2)).toBeLessThan(0.05);
    expect(Math.abs(intercept - 1)).toBeLessThan(0.05);
    const [atOrigin] = model.predictValues({ data: Float32Array.of(0, 0), rows: 1, cols: 2 });
    expect(Math.abs(atOrigin - 1)).toBeLessThan(0.05);
    expect(model.targetScale?.std).toBeGreaterThan(10);
    model.dispose();
  });
});

describe("logistic", () => {
  it("separates two Gaussian blobs", async () => {
    const centres: [number, number][] = [
      [-2, -2],
      [2, 2],
    ];
    const validation = blobs(200, 2, centres);
    const model = await trainTabular({ algorithm: "logistic", task: "classification", params: { epochs: 30 }, train: blobs(300, 1, centres), validation });
    expect(model.labels).toEqual(["class0", "class1"]);
    const metrics = evaluateTabular(model, validation.x, validation.y);
    expect(metrics.accuracy).toBeGreaterThan(0.95);
    expect(metrics.auc).toBeGreaterThan(0.98);
    const [first] = model.predict({ data: Float32Array.of(3, 3), rows: 1, cols: 2 }) as ClassPrediction[];
    expect(first.label).toBe("class1");
    expect(first.probabilities.class0 + first.probabilities.class1).toBeCloseTo(1, 6);
    expect(model.model.outputs[0].shape).toEqual([null, 1]); // one sigmoid unit
    model.dispose();
  });

  it("handles three classes with a softmax", async () => {
    const centres: [number, number][] = [
      [0, 4],
      [-4, -2],
      [4, -2],
    ];
    const validation = blobs(300, 4, centres);
    const model = await trainTabular({ algorithm: "logistic", task: "classification", params: { epochs: 30 }, train: blobs(300, 3, centres), validation });
    expect(model.labels).toEqual(["class0", "class1", "class2"]);
    expect(model.model.outputs[0].shape).toEqual([null, 3]);
    const metrics = evaluateTabular(model, validation.x, validation.y);
    expect(metrics.accuracy).toBeGreaterThan(0.95);
    expect(metrics.f1Macro).toBeGreaterThan(0.95);
    expect(metrics.auc).toBeUndefined();
    model.dispose();
  });
});

describe("mlp", () => {
  it("fits y = sin(x) where a linear model cannot", async () => {
    const train = sinSet(400, 1);
    const validation = sinSet(150, 2);
    const mlp = await trainTabular({ algorithm: "mlp", task: "regression", params: { learningRate: 0.02, batchSize: 64, epochs: 60 }, train, validation });
    const linear = await trainTabular({ algorithm: "linear", task: "regression", params: { epochs: 30 }, train, validation });
    const mlpR2 = evaluateTabular(mlp, validation.x, validation.y).r2;
    const linearR2 = evaluateTabular(linear, validation.x, validation.y).r2;
    expect(mlpR2).toBeGreaterThan(0.9);
    expect(linearR2).toBeLessThan(0.5);
    mlp.dispose();
    linear.dispose();
  });
});

describe("training", () => {
  it("gives identical predictions for the same seed, dropout included", async () => {
    const input: TrainTabularInput = {
      algorithm: "mlp",
      task: "regression",
      params: { epochs: 5, dropout: 0.2, hiddenUnits: [16, 8], seed: 7 },
      train: sinSet(200, 1),
      validation: sinSet(50, 2),
    };
    const probe = sinSet(20, 3).x;
    const a = await trainTabular(input);
    const b = await trainTabular(input);
    const c = await trainTabular({ ...input, params: { ...input.params, seed: 8 } });
    expect(b.predictValues(probe)).toEqual(a.predictValues(probe));
    expect(b.history).toEqual(a.history);
    expect(c.predictValues(probe)).not.toEqual(a.predictValues(probe));
    for (const m of [a, b, c]) m.dispose();
  });

  it("stops early on a plateau and restores the best epoch's weights", async () => {
    // A target of pure noise: the validation loss cannot improve for long.
    const noise = (n: number, seed: number) =>
      dataset(
        n,
        seed,
        3,
        (r) => normal(r),
        (_, r) => normal(r),
      );
    const validation = noise(100, 2);
    const model = await trainTabular({
      algorithm: "mlp",
      task: "regression",
      params: { epochs: 100, earlyStoppingPatience: 2, learningRate: 0.01 },
      train: noise(200, 1),
      validation,
    });
    expect(model.stoppedEarly).toBe(true);
    expect(model.history.length).toBeLessThan(100);
    const valLosses = model.history.map((h) => h.valLoss!);
    const bestEpoch = valLosses.indexOf(Math.min(...valLosses)) + 1;
    expect(model.bestEpoch).toBe(bestEpoch);
    expect(model.history.length).toBe(bestEpoch + 2);
    // The weights held are the best epoch's: its validation loss, recomputed from predictions.
    const { mean, std } = model.targetScale!;
    const predictions = model.predictValues(validation.x);
    const loss = predictions.reduce((sum, p, i) => sum + ((p - mean) / std - (validation.y[i] - mean) / std) ** 2, 0) / predictions.length;
    expect(loss).toBeCloseTo(valLosses[bestEpoch - 1], 4);
    expect(Math.abs(loss - valLosses[valLosses.length - 1])).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it("reports every epoch and stops when asked", async () => {
    const logs: EpochLog[] = [];
    const model = await trainTabular({
      algorithm: "linear",
      task: "regression",
      params: { epochs: 50 },
      train: linearSet(100, 1),
      validation: linearSet(30, 2),
      callbacks: { onEpoch: (log) => void logs.push(log), shouldStop: () => logs.length >= 3 },
    });
    expect(logs.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(logs[0].loss).toBeGreaterThan(logs[2].loss);
    expect(logs[2].valLoss).toBeGreaterThan(0);
    expect(logs[2].metrics?.r2).toBeTypeOf("number");
    expect(model.stoppedEarly).toBe(true);
    expect(model.history).toEqual(logs);
    model.dispose();
  });

  it("fails with a clear error when the loss diverges", async () => {
    const huge = (n: number, seed: number) =>
      dataset(
        n,
        seed,
        2,
        (r) => r(),
        ([a], r) => 1e30 * (a + r()),
      );
    await expectAppError(
      trainTabular({ algorithm: "mlp", task: "regression", params: { learningRate: 1e3 }, train: huge(100, 1), validation: huge(30, 2) }),
      "params.learningRate",
      /training diverged \(loss is .*\): lower the learning rate/,
    );
  });

  it("refuses too few rows, a constant target, a single class and an algorithm that does not fit the task", async () => {
    const small = linearSet(9, 1);
    await expectAppError(trainTabular({ algorithm: "linear", task: "regression", train: small, validation: small }), "rows", /only 9 training rows/);
    const constant = { ...linearSet(20, 1), y: new Array(20).fill(5) };
    await expectAppError(trainTabular({ algorithm: "mlp", task: "regression", train: constant, validation: constant }), "target", /constant/);
    const oneClass = { x: linearSet(20, 1).x, y: new Array<string>(20).fill("yes") };
    await expectAppError(trainTabular({ algorithm: "logistic", task: "classification", train: oneClass, validation: oneClass }), "target", /single class/);
    const labels = blobs(20, 1, [
      [0, 0],
      [1, 1],
    ]);
    await expectAppError(trainTabular({ algorithm: "linear", task: "classification", train: labels, validation: labels }), "algorithm", /logistic or mlp/);
    const nan = linearSet(20, 1);
    nan.x.data[5] = Number.NaN;
    await expectAppError(trainTabular({ algorithm: "linear", task: "regression", train: nan, validation: linearSet(5, 2) }), "columns", /column 2 .* row 3/);
  });

  it("leaves no tensors behind once the model is disposed", async () => {
    const before = tf.memory().numTensors;
    const model = await trainTabular({
      algorithm: "mlp",
      task: "regression",
      params: { epochs: 3, dropout: 0.1 },
      train: sinSet(50, 1),
      validation: sinSet(20, 2),
    });
    model.predict(sinSet(10, 3).x);
    model.dispose();
    await expect(
      trainTabular({
        algorithm: "mlp",
        task: "regression",
        params: { learningRate: 1e3 },
        train: { ...sinSet(50, 1), y: sinSet(50, 1).y.map((v) => v * 1e30) },
        validation: sinSet(20, 2),
      }),
    ).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("params", () => {
  it("fills defaults and checks ranges, naming the param", () => {
    expect(resolveTabularParams("mlp", { epochs: 5 })).toEqual({ ...TABULAR_DEFAULTS.mlp, epochs: 5 });
    expect(resolveTabularParams("linear")).toEqual(TABULAR_DEFAULTS.linear);
    const cases: [unknown, string][] = [
      [{ epochs: 0 }, "params.epochs"],
      [{ learningRate: 0 }, "params.learningRate"],
      [{ learningRate: 2 }, "params.learningRate"],
      [{ hiddenUnits: [] }, "params.hiddenUnits"],
      [{ hiddenUnits: [2000] }, "params.hiddenUnits"],
      [{ dropout: 0.95 }, "params.dropout"],
      [{ activation: "swish" }, "params.activation"],
      [{ batchSize: "big" }, "params.batchSize"],
      [{ epoch: 5 }, "params.epoch"],
    ];
    for (const [params, field] of cases) {
      let error: unknown;
      try {
        resolveTabularParams("mlp", params);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(params)).toBeInstanceOf(AppError);
      expect((error as AppError).errors[0].field).toBe(field);
    }
  });
});

describe("predictRowFast and the bundle", () => {
  it("gives predict's answers to 1e-5 in plain JS, for regression and classification", async () => {
    const regression = await trainTabular({
      algorithm: "mlp",
      task: "regression",
      params: { epochs: 5, hiddenUnits: [8, 4], activation: "elu", dropout: 0.1 },
      train: linearSet(100, 1),
      validation: linearSet(30, 2),
    });
    const probe = linearSet(25, 3).x;
    const fast = await denseWeights(regression);
    const values = regression.predictValues(probe);
    for (let i = 0; i < probe.rows; i++) {
      const [value] = predictRowFast(fast, probe.data.subarray(i * 2, i * 2 + 2));
      expect(Math.abs(value - values[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(values[i])));
    }
    regression.dispose();

    for (const centres of [
      [
        [-1, 0],
        [1, 0],
      ],
      [
        [0, 2],
        [-2, -1],
        [2, -1],
      ],
    ] as [number, number][][]) {
      const model = await trainTabular({
        algorithm: "mlp",
        task: "classification",
        params: { epochs: 5, hiddenUnits: [6], activation: "tanh" },
        train: blobs(90, 1, centres),
        validation: blobs(30, 2, centres),
      });
      const x = blobs(20, 3, centres).x;
      const weights = await denseWeights(model);
      const probs = model.predictProbabilities(x);
      for (let i = 0; i < x.rows; i++) {
        const row = predictRowFast(weights, x.data.subarray(i * 2, i * 2 + 2));
        expect(row.length).toBe(centres.length);
        row.forEach((p, j) => expect(Math.abs(p - probs[i][j])).toBeLessThan(1e-5));
      }
      model.dispose();
    }
  });

  it("round-trips through tfjs's own format with identical predictions", async () => {
    const centres: [number, number][] = [
      [0, 3],
      [-3, -1],
      [3, -1],
    ];
    const trained = await trainTabular({
      algorithm: "mlp",
      task: "classification",
      params: { epochs: 3 },
      train: blobs(60, 1, centres),
      validation: blobs(30, 2, centres),
    });
    const artifacts = await serializeTabular(trained);
    expect(artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    // As stored in a bundle: model.json as JSON text, the weights as bytes.
    const stored = {
      ...JSON.parse(JSON.stringify({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, extras: artifacts.extras })),
      weightData: artifacts.weightData.slice(0),
    };
    const loaded = await loadTabular(stored);
    const probe = blobs(40, 3, centres).x;
    expect(loaded.predict(probe)).toEqual(trained.predict(probe));
    expect(loaded.labels).toEqual(trained.labels);
    expect(loaded.params).toEqual(trained.params);

    const regression = await trainTabular({
      algorithm: "linear",
      task: "regression",
      params: { epochs: 3 },
      train: linearSet(50, 1),
      validation: linearSet(20, 2),
    });
    const reloaded = await loadTabular(await serializeTabular(regression));
    const x = linearSet(10, 3).x;
    expect(reloaded.predictValues(x)).toEqual(regression.predictValues(x));
    expect(reloaded.targetScale).toEqual(regression.targetScale);
    for (const m of [trained, loaded, regression, reloaded]) m.dispose();
  });
});

describe("resolveTabularParams", () => {
  it("takes a linear model's own stored params back (hiddenUnits: []), but not an mlp without layers", () => {
    const stored = resolveTabularParams("linear", {});
    expect(stored.hiddenUnits).toEqual([]);
    expect(resolveTabularParams("linear", JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    expect(() => resolveTabularParams("mlp", { hiddenUnits: [] })).toThrow(/hiddenUnits/);
  });
});
