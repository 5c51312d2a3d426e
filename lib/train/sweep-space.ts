/**
 * The sweep form's text fields as a search space: each field lists the values one param takes,
 * comma-separated ("0.001, 0.01"); hidden-unit architectures are separated by "|" ("64,32 | 32").
 */

import { ALGORITHMS, type AlgorithmId, getAlgorithm } from "./algorithms/registry";
import { boundViolation, describeBound } from "./param-bounds";
import { formatParamValue } from "./param-fields";

export type SweepParam = "learningRate" | "epochs" | "batchSize" | "l2" | "hiddenUnits" | "dropout" | "activation";

export interface SweepParamField {
  name: SweepParam;
  label: string;
  hint: string;
  kind: "integer" | "number" | "units" | "activation";
  /** The algorithms that take it: those whose run form has the param (their fields). */
  algorithms: readonly string[];
}

const takenBy = (name: SweepParam) => ALGORITHMS.filter((a) => a.fields.some((f) => f.name === name)).map((a) => a.id);

/** The searchable params, in the order the form shows them; their ranges are each algorithm's bounds (see `sweepFieldHint`). */
export const SWEEP_PARAM_FIELDS: SweepParamField[] = [
  { name: "learningRate", label: "Learning rates", hint: "Adam step sizes.", kind: "number", algorithms: takenBy("learningRate") },
  { name: "epochs", label: "Epochs", hint: "Whole numbers; a ceiling, early stopping decides.", kind: "integer", algorithms: takenBy("epochs") },
  { name: "batchSize", label: "Batch sizes", hint: "Whole numbers.", kind: "integer", algorithms: takenBy("batchSize") },
  { name: "l2", label: "L2 penalties", hint: "Weight decay.", kind: "number", algorithms: takenBy("l2") },
  {
    name: "hiddenUnits",
    label: "Hidden units",
    hint: "Architectures separated by |, layers by commas: 64,32 | 32.",
    kind: "units",
    algorithms: takenBy("hiddenUnits"),
  },
  { name: "dropout", label: "Dropout rates", hint: "After each hidden layer.", kind: "number", algorithms: takenBy("dropout") },
  { name: "activation", label: "Activations", hint: "", kind: "activation", algorithms: takenBy("activation") },
];

/** A field's hint with the algorithm's range for it: "Adam step sizes; each from 0.000001 to 1." */
export function sweepFieldHint(field: SweepParamField, algorithm: AlgorithmId): string {
  const bound = getAlgorithm(algorithm).bounds[field.name];
  if (!bound || (bound.kind !== "int" && bound.kind !== "number" && bound.kind !== "intList")) return field.hint;
  const range = bound.kind === "intList" ? `at most ${bound.maxItems} layers of ${bound.min} to ${bound.max} units` : `each from ${bound.min} to ${bound.max}`;
  return `${field.hint.replace(/\.$/, "")}; ${range}.`;
}

export type SweepDraft = Record<SweepParam, string>;
export const EMPTY_SWEEP_DRAFT: SweepDraft = { learningRate: "", epochs: "", batchSize: "", l2: "", hiddenUnits: "", dropout: "", activation: "" };

const splitList = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

/** One field's values, or a message saying what is wrong with the text. */
export function parseSweepValues(field: SweepParamField, text: string, activations: readonly string[]): { values: unknown[] } | { error: string } {
  if (field.kind === "units") {
    const values: number[][] = [];
    for (const arch of splitList(text, /\|/)) {
      const layers = splitList(arch, /[,\s]+/).map(Number);
      if (layers.some((u) => !Number.isInteger(u))) return { error: `"${arch}" is not a list of whole numbers; write architectures like 64,32 | 32.` };
      values.push(layers);
    }
    return { values };
  }
  const items = splitList(text, /[,\s]+/);
  if (field.kind === "activation") {
    const unknown = items.find((a) => !activations.includes(a));
    return unknown ? { error: `"${unknown}" is not one of ${activations.join(", ")}.` } : { values: items };
  }
  const values: number[] = [];
  for (const item of items) {
    const n = Number(item);
    if (!Number.isFinite(n)) return { error: `"${item}" is not a number.` };
    if (field.kind === "integer" && !Number.isInteger(n)) return { error: `"${item}" is not a whole number.` };
    values.push(n);
  }
  return { values };
}

/**
 * The space the filled-in fields make, with a message per field that does not parse (or, given
 * the algorithm, holds a value beyond its bound); empty fields are left out.
 */
export function buildSweepSpace(
  draft: SweepDraft,
  fields: SweepParamField[],
  activations: readonly string[],
  algorithm?: AlgorithmId,
): { space: Partial<Record<SweepParam, unknown[]>>; errors: Partial<Record<SweepParam, string>> } {
  const space: Partial<Record<SweepParam, unknown[]>> = {};
  const errors: Partial<Record<SweepParam, string>> = {};
  for (const f of fields) {
    const parsed = parseSweepValues(f, draft[f.name], activations);
    if ("error" in parsed) {
      errors[f.name] = parsed.error;
      continue;
    }
    const bound = algorithm ? getAlgorithm(algorithm).bounds[f.name] : undefined;
    const outOfBounds = bound && parsed.values.find((v) => boundViolation(bound, v));
    if (bound && outOfBounds !== undefined) errors[f.name] = `Each value must be ${describeBound(bound)}; ${formatSweepValue(outOfBounds)} is not.`;
    else if (parsed.values.length > 0) space[f.name] = parsed.values;
  }
  return { space, errors };
}

/** How many trials a grid over the space makes: the product of its lists' lengths (0 for an empty space). */
export function gridSize(space: Partial<Record<string, unknown[]>>): number {
  const lengths = Object.values(space).map((v) => v?.length ?? 0);
  return lengths.length === 0 ? 0 : lengths.reduce((a, b) => a * b, 1);
}

/** A space value as the trials table shows it: architectures as "64, 32". */
export function formatSweepValue(value: unknown): string {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? JSON.stringify(value) : formatParamValue(value);
}
