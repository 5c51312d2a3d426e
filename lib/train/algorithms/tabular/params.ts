import { AppError, type FieldError } from "@/lib/shared/errors";
import { withoutUndefined } from "@/lib/shared/objects";
import { BATCH_SIZE, choice, DROPOUT, EARLY_STOPPING_PATIENCE, HIDDEN_UNITS, int, L2, LEARNING_RATE, paramsSchema, SEED } from "../../param-bounds";
import { parseParams } from "../../params";

/**
 * The params of the tabular models — `linear` (ridge), `logistic` and `mlp` — with their bounds
 * and defaults (browser-safe: the run, sweep and browser forms read them).
 */

export const TABULAR_ALGORITHMS = ["linear", "logistic", "mlp"] as const;
export type TabularAlgorithm = (typeof TABULAR_ALGORITHMS)[number];
export type TabularTask = "regression" | "classification";

/** Activations of an mlp's hidden layers. */
export const ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export type TabularParams = {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Units of each hidden layer (mlp only). */
  hiddenUnits: number[];
  /** Activation of the hidden layers (mlp only). */
  activation: Activation;
  /** Dropout rate after each hidden layer (mlp only). */
  dropout: number;
  /** L2 penalty on the kernels, added to the loss: l2 · Σw². */
  l2: number;
  seed: number;
  /** Epochs without a better validation loss before training stops; 0 turns early stopping off. */
  earlyStoppingPatience: number;
};

/** linear, logistic and mlp: one set of bounds (the convex models ignore the layer params). */
export const TABULAR_PARAM_BOUNDS = {
  /** A ceiling: early stopping decides; 1000 covers the convex models on tiny data (a few steps an epoch). */
  epochs: int(1, 1000),
  batchSize: BATCH_SIZE,
  learningRate: LEARNING_RATE,
  hiddenUnits: HIDDEN_UNITS,
  activation: choice(ACTIVATIONS),
  dropout: DROPOUT,
  l2: L2,
  seed: SEED,
  earlyStoppingPatience: EARLY_STOPPING_PATIENCE,
};

const COMMON_DEFAULTS = {
  hiddenUnits: [64, 32],
  activation: "relu",
  dropout: 0,
  seed: 42,
  earlyStoppingPatience: 10,
} as const satisfies Partial<TabularParams>;

/**
 * Good defaults: `{algorithm}` alone trains a good model. Adam on standardised inputs and target
 * needs no tuning; the convex models take larger steps than the mlp; early stopping (patience 10,
 * best weights restored) decides the real epoch count, so `epochs` is only a ceiling. The convex
 * models' ceiling is high because on small data an epoch is only a few steps: 100 epochs left
 * logistic regression on iris (90 training rows, 3 steps an epoch) still improving and 0.026 of
 * accuracy behind scikit-learn's (bench/eval-tabular.ts); larger data stops early long before it.
 */
export const TABULAR_DEFAULTS: Record<TabularAlgorithm, TabularParams> = {
  linear: { ...COMMON_DEFAULTS, hiddenUnits: [], epochs: 500, batchSize: 32, learningRate: 0.01, l2: 1e-4 },
  logistic: { ...COMMON_DEFAULTS, hiddenUnits: [], epochs: 500, batchSize: 32, learningRate: 0.01, l2: 1e-4 },
  mlp: { ...COMMON_DEFAULTS, hiddenUnits: [64, 32], epochs: 300, batchSize: 64, learningRate: 0.001, l2: 1e-4 },
};

/** Partial params of a tabular run, with their ranges (TABULAR_PARAM_BOUNDS). Unknown keys are refused, so a typo is not silently ignored. */
export const tabularParamsSchema = paramsSchema(TABULAR_PARAM_BOUNDS);

/** The defaults of an algorithm overlaid with valid params; a bad param throws VALIDATION on `params.<name>`. */
export function resolveTabularParams(algorithm: TabularAlgorithm, params: unknown = {}): TabularParams {
  // A linear model's own stored params say hiddenUnits: [] (it has no hidden layer): take them back as they are.
  const input = params && typeof params === "object" && !Array.isArray(params) ? { ...(params as Record<string, unknown>) } : params;
  if (
    algorithm !== "mlp" &&
    input &&
    typeof input === "object" &&
    Array.isArray((input as Record<string, unknown>).hiddenUnits) &&
    ((input as Record<string, unknown>).hiddenUnits as unknown[]).length === 0
  ) {
    delete (input as Record<string, unknown>).hiddenUnits;
  }
  return { ...TABULAR_DEFAULTS[algorithm], ...parseParams(tabularParamsSchema, input) };
}

/**
 * Defaults overlaid with params, checked only for what the code needs to run (the API checks
 * the ranges of tabularParamsSchema first, with resolveTabularParams).
 */
export function runnableParams(algorithm: TabularAlgorithm, params: Partial<TabularParams> = {}): TabularParams {
  const p: TabularParams = { ...TABULAR_DEFAULTS[algorithm], ...withoutUndefined(params) };
  const errors: FieldError[] = [];
  const check = (ok: boolean, field: keyof TabularParams, message: string) => {
    if (!ok) errors.push({ field: `params.${field}`, message });
  };
  const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  check(isInt(p.epochs, 1), "epochs", "must be an integer of at least 1");
  check(isInt(p.batchSize, 1), "batchSize", "must be an integer of at least 1");
  check(Number.isFinite(p.learningRate) && p.learningRate > 0, "learningRate", "must be a positive number");
  check(Number.isFinite(p.dropout) && p.dropout >= 0 && p.dropout < 1, "dropout", "must be at least 0 and below 1");
  check(Number.isFinite(p.l2) && p.l2 >= 0, "l2", "must be a number of at least 0");
  check(isInt(p.seed, 0), "seed", "must be an integer of at least 0");
  check(isInt(p.earlyStoppingPatience, 0), "earlyStoppingPatience", "must be an integer of at least 0");
  check((ACTIVATIONS as readonly string[]).includes(p.activation), "activation", `must be one of ${ACTIVATIONS.join(", ")}`);
  check(
    algorithm !== "mlp" || (Array.isArray(p.hiddenUnits) && p.hiddenUnits.length > 0 && p.hiddenUnits.every((u) => isInt(u, 1))),
    "hiddenUnits",
    "must list at least one layer of at least 1 unit",
  );
  if (errors.length > 0) throw new AppError("VALIDATION", `invalid params: ${errors.map((e) => `${e.field} ${e.message}`).join("; ")}`, errors);
  return p;
}
