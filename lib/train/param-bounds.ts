import { z } from "zod";
import type { FieldError } from "@/lib/shared/errors";
import type { Algorithm } from "./algorithms/algorithm";

/**
 * How a training param's allowed values are stated (browser-safe). Each algorithm states its
 * params' bounds with these (its `bounds`); its params schema is built from them (so a run, a
 * sweep's space, a retrain and a browser-trained run are all refused beyond them, naming
 * `params.<name>`), and the run, sweep and browser forms take their limits from them. The ranges
 * keep one run to minutes, not days, on the single training worker: see each bound's comment.
 */
export type ParamBound =
  | { readonly kind: "int" | "number"; readonly min: number; readonly max: number }
  /** A list of whole numbers (hidden layers, lags): its length and each item bounded. */
  | { readonly kind: "intList"; readonly minItems: number; readonly maxItems: number; readonly min: number; readonly max: number }
  | { readonly kind: "choice"; readonly options: readonly string[] }
  | { readonly kind: "boolean" }
  /** A column name (checked against the data when the run is resolved). */
  | { readonly kind: "column" }
  | { readonly kind: "columnList"; readonly maxItems: number };

export const int = (min: number, max: number) => ({ kind: "int", min, max }) as const;
export const num = (min: number, max: number) => ({ kind: "number", min, max }) as const;
export const intList = (minItems: number, maxItems: number, min: number, max: number) => ({ kind: "intList", minItems, maxItems, min, max }) as const;
export const choice = <const O extends readonly string[]>(options: O) => ({ kind: "choice", options }) as const;
export const column = { kind: "column" } as const;
export const columnList = (maxItems: number) => ({ kind: "columnList", maxItems }) as const;
export const flag = { kind: "boolean" } as const;

// The bounds several algorithms share.

/**
 * Batch size from 8: below it each gradient step is a tfjs dispatch costing more than the few
 * rows it reads (batch 1 is ~8× slower per epoch than 8), and Adam gains nothing from it. Up to
 * 8192 rows: a batch stays a few MB of float32 on a laptop's WebGL backend.
 */
export const BATCH_SIZE = int(8, 8192);
/** From 1e-6 (smaller learns nothing within the epoch ceiling) to 1 (Adam diverges above). */
export const LEARNING_RATE = num(1e-6, 1);
/** At most 4 hidden layers of 512 units: ~0.8M weights, already more than any tabular data here supports. */
export const HIDDEN_UNITS = intList(1, 4, 1, 512);
export const SEED = int(0, 2 ** 31 - 1);
export const EARLY_STOPPING_PATIENCE = int(0, 100);
export const L2 = num(0, 1);
export const DROPOUT = num(0, 0.9);

const show = (n: number) => String(n);

/** A bound in words: "a whole number from 1 to 1000", "a list of 1 to 4 whole numbers, each from 1 to 512". */
export function describeBound(bound: ParamBound): string {
  switch (bound.kind) {
    case "int":
      return `a whole number from ${show(bound.min)} to ${show(bound.max)}`;
    case "number":
      return `a number from ${show(bound.min)} to ${show(bound.max)}`;
    case "intList":
      return `a list of ${bound.minItems} to ${bound.maxItems} whole numbers, each from ${show(bound.min)} to ${show(bound.max)}`;
    case "choice":
      return `one of ${bound.options.join(", ")}`;
    case "boolean":
      return "true or false";
    case "column":
      return "a column name";
    case "columnList":
      return `a list of at most ${bound.maxItems} column names`;
  }
}

/** The range of a numeric bound as a form hint shows it: "1–1000"; undefined for the other kinds. */
export function rangeText(bound: ParamBound | undefined): string | undefined {
  if (!bound) return undefined;
  if (bound.kind === "int" || bound.kind === "number") return `${show(bound.min)}–${show(bound.max)}`;
  if (bound.kind === "intList") return `up to ${bound.maxItems} × ${show(bound.min)}–${show(bound.max)}`;
  return undefined;
}

const got = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

const inRange = (bound: { kind: "int" | "number" | "intList"; min: number; max: number }, v: unknown): v is number =>
  typeof v === "number" && Number.isFinite(v) && (bound.kind === "number" || Number.isInteger(v)) && v >= bound.min && v <= bound.max;

/** Why `value` is not allowed by `bound` ("must be a whole number from 8 to 8192, got 1"), or undefined when it is. */
export function boundViolation(bound: ParamBound, value: unknown): string | undefined {
  const must = `must be ${describeBound(bound)}`;
  switch (bound.kind) {
    case "int":
    case "number":
      return inRange(bound, value) ? undefined : `${must}, got ${got(value)}`;
    case "intList": {
      if (!Array.isArray(value)) return `${must}, got ${got(value)}`;
      if (value.length < bound.minItems || value.length > bound.maxItems) return `${must}; it has ${value.length}`;
      const bad = value.findIndex((v) => !inRange({ ...bound, kind: "int" }, v));
      return bad === -1 ? undefined : `${must}; item ${bad + 1} is ${got(value[bad])}`;
    }
    case "choice":
      return typeof value === "string" && bound.options.includes(value) ? undefined : `${must}, got ${got(value)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${must}, got ${got(value)}`;
    case "column":
      return typeof value === "string" && value.length > 0 ? undefined : `${must}, got ${got(value)}`;
    case "columnList":
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.length === 0)) return `${must}, got ${got(value)}`;
      return value.length <= bound.maxItems ? undefined : `${must}; it has ${value.length}`;
  }
}

/** The value type a bound admits. */
export type BoundValue<B> = B extends { kind: "int" | "number" }
  ? number
  : B extends { kind: "intList" }
    ? number[]
    : B extends { kind: "choice"; options: readonly (infer O)[] }
      ? O
      : B extends { kind: "boolean" }
        ? boolean
        : B extends { kind: "column" }
          ? string
          : B extends { kind: "columnList" }
            ? string[]
            : never;

/**
 * A model's params schema from its bounds: partial and strict (a typo is refused, not ignored);
 * every problem is one issue on the param itself (`hiddenUnits`, not `hiddenUnits.3`), worded by
 * `boundViolation`.
 */
export function paramsSchema<B extends Record<string, ParamBound>>(bounds: B): z.ZodType<{ [K in keyof B]?: BoundValue<B[K]> }> {
  const shape = Object.fromEntries(
    Object.entries(bounds).map(([name, bound]) => [
      name,
      z
        .unknown()
        .superRefine((value, ctx) => {
          const problem = boundViolation(bound, value);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional(),
    ]),
  );
  // Built at run time, the shape types every value as unknown; each value's refinement makes it its bound's type.
  return z.object(shape).strict() as z.ZodType<{ [K in keyof B]?: BoundValue<B[K]> }>;
}

/**
 * Every value of a sweep's space checked against the algorithm's bounds, each problem on
 * `space.<name>` (which value, and why); an unknown param is named too.
 */
export function spaceViolations(algorithm: Pick<Algorithm, "id" | "bounds">, space: Readonly<Record<string, readonly unknown[]>>): FieldError[] {
  const { bounds } = algorithm;
  const errors: FieldError[] = [];
  for (const [name, values] of Object.entries(space)) {
    const bound = Object.hasOwn(bounds, name) ? bounds[name] : undefined;
    if (!bound) {
      errors.push({ field: `space.${name}`, message: `${algorithm.id} has no param "${name}"; its params are ${Object.keys(bounds).join(", ")}` });
      continue;
    }
    values.forEach((value, i) => {
      const problem = boundViolation(bound, value);
      if (problem) errors.push({ field: `space.${name}`, message: `value ${i + 1} ${problem}` });
    });
  }
  return errors;
}

/**
 * The total-work guard. Gradient steps a run may take at most: MAX_TRAINING_STEPS (~15 minutes of
 * a small network on the worker), or more on larger data, MAX_TRAINING_STEPS_PER_ROW per row (the
 * defaults take at most half that, so they always pass).
 */
export const MAX_TRAINING_STEPS = 1_000_000;
export const MAX_TRAINING_STEPS_PER_ROW = 32;
/** The most gradient steps a run over `rows` rows may take. */
export const trainingStepBudget = (rows: number) => Math.max(MAX_TRAINING_STEPS, MAX_TRAINING_STEPS_PER_ROW * rows);

/**
 * Why resolved params would take too long on `rows` rows (errors on epochs and batch size), or
 * undefined: the algorithm's gradient steps at most (its `trainingSteps`) against the budget.
 */
export function workViolation<P extends object>(
  algorithm: Pick<Algorithm<string, P>, "trainingSteps" | "stepsFormula">,
  params: P,
  rows: number,
): FieldError[] | undefined {
  const steps = algorithm.trainingSteps(params, rows);
  const budget = trainingStepBudget(rows);
  if (!(steps > budget)) return undefined;
  const message = `${steps.toLocaleString("en-US")} gradient steps (${algorithm.stepsFormula}, ${rows.toLocaleString("en-US")} rows) is more than the ${budget.toLocaleString("en-US")} a run may take; lower epochs or raise batchSize`;
  return [
    { field: "params.epochs", message },
    { field: "params.batchSize", message },
  ];
}
