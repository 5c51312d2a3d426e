import type { Cell, ColumnInfo, ColumnType, Row } from "@/lib/data/types";
import { cellToNumber, ownCell, setCell, toTimestamp } from "@/lib/shared/cells";
import { type FieldError, invalidFields } from "@/lib/shared/errors";
import { mean, median } from "@/lib/shared/stats";
import type { RecipeStep, SplitSpec } from "./recipe-schema";

/**
 * The recipe of the "prepare" step: check it against a dataset's columns, fit it on the
 * training rows, apply the fitted recipe to any rows (validation, test, serving). Pure and
 * isomorphic; the fitted recipe is plain JSON so it can be stored with a model and replayed
 * at serving time.
 */

export const RECIPE_FORMAT_VERSION = 1;
/** Categories kept per one-hot column; rarer ones share the `__other__` column. */
export const MAX_ONEHOT_CATEGORIES = 100;
export const OTHER_CATEGORY = "__other__";

type StepOf<K extends RecipeStep["op"]> = Extract<RecipeStep, { op: K }>;
export type ImputeStep = StepOf<"impute">;
export type ScaleStep = StepOf<"scale">;
export type OnehotStep = StepOf<"onehot">;
export type DropStep = StepOf<"drop">;
export type FilterStep = StepOf<"filter">;
export type ClipStep = StepOf<"clip">;
export type LogStep = StepOf<"log">;
export type DatepartStep = StepOf<"datepart">;
export type LagStep = StepOf<"lag">;
export type DatePart = DatepartStep["parts"][number];

export interface FeatureColumn {
  name: string;
  type: ColumnType;
  /** the input column it derives from */
  source: string;
}

export interface ImputeFill {
  column: string;
  value: Cell;
}
export type ScaleStat = { column: string; mean: number; std: number } | { column: string; min: number; max: number };
export interface OnehotVocabulary {
  column: string;
  /** Most frequent first; each becomes a `${column}=${category}` column. */
  categories: string[];
  /** Whether rarer categories were cut and share the `${column}=__other__` column. */
  other: boolean;
}
export interface LagHistoryPoint {
  time: Cell;
  /** One value per column of the step, in the step's order. */
  values: Cell[];
}
export interface LagHistory {
  /** The groupBy values of the series ([] without groupBy). */
  group: Cell[];
  /** The last max(lags) training rows of the series, oldest first. */
  tail: LagHistoryPoint[];
}

/**
 * A step with what was learnt from the training rows. Column lists are narrowed to the
 * columns that existed at fit time (a one-hot column named in the spec may not exist when
 * its category never appeared in training).
 */
export type FittedStep =
  | (ImputeStep & { fills: ImputeFill[] })
  | (ScaleStep & { stats: ScaleStat[] })
  | (OnehotStep & { vocabularies: OnehotVocabulary[] })
  | DropStep
  | (FilterStep & { columnType: ColumnType })
  | ClipStep
  | LogStep
  | DatepartStep
  | (LagStep & { history: LagHistory[] });

export interface FittedRecipe {
  formatVersion: 1;
  target: string;
  features: string[];
  /** The columns a row must bring (features, then other columns steps read such as a lag's time column); not the target. */
  inputColumns: { name: string; type: ColumnType }[];
  steps: FittedStep[];
  outputColumns: FeatureColumn[];
}

export interface RecipeInput {
  target: string;
  features?: string[];
  steps: RecipeStep[];
}

export type ApplyMode = "train" | "serve";

export type ColumnLike = Pick<ColumnInfo, "name" | "type">;

// ---------------------------------------------------------------------------------------------
// Column names of derived columns (the recipe builder shows the same names)

export const onehotColumnName = (column: string, category: string) => `${column}=${category}`;
export const datepartColumnName = (column: string, part: DatePart) => `${column}_${part}`;
export const lagColumnName = (column: string, lag: number) => `${column}_lag${lag}`;

// ---------------------------------------------------------------------------------------------
// Cells

/** Own properties only, so a column named "constructor" never reads Object.prototype; an absent cell is null. */
function readCell(row: Row, name: string): Cell {
  return ownCell(row, name) ?? null;
}

function isMissing(cell: Cell | undefined): boolean {
  return cell === null || cell === undefined || (typeof cell === "number" && Number.isNaN(cell));
}

function toBoolean(cell: Cell | undefined): boolean | null {
  if (typeof cell === "boolean") return cell;
  if (typeof cell === "number") return cell === 1 ? true : cell === 0 ? false : null;
  if (typeof cell === "string") {
    const text = cell.trim().toLowerCase();
    return text === "true" ? true : text === "false" ? false : null;
  }
  return null;
}

/** A total order for tie-breaks: numbers numerically, anything else by its text. */
function compareValues(a: Cell, b: Cell): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Null times sort first, like the time split, so they count as the oldest rows. */
function compareTimes(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

function numbersOf(rows: Row[], column: string): number[] {
  const out: number[] = [];
  for (const row of rows) {
    const n = cellToNumber(readCell(row, column));
    if (n !== null) out.push(n);
  }
  return out;
}

function projectRows(rows: Row[], names: string[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    for (const name of names) setCell(out, name, readCell(row ?? {}, name));
    return out;
  });
}

const isNumeric = (type: ColumnType) => type === "number" || type === "integer";
const isTimeLike = (type: ColumnType) => type === "datetime" || isNumeric(type);

// ---------------------------------------------------------------------------------------------
// Columns through the steps (shared by validation and fitting)

type Role = "feature" | "target" | "aux";
interface WorkColumn extends FeatureColumn {
  /** aux: not a feature, but read by a step (a filter column, a lag's time or group column). */
  role: Role;
}

function resolveFeatures(spec: RecipeInput, columns: ColumnLike[]): string[] {
  const names = spec.features ?? columns.map((c) => c.name);
  const known = new Set(columns.map((c) => c.name));
  return [...new Set(names)].filter((name) => name !== spec.target && known.has(name));
}

/** Columns steps only read; taken from the dataset when they are not features. */
function readOnlyReferences(steps: RecipeStep[]): string[] {
  return steps.flatMap((step) => {
    if (step.op === "filter") return [step.column];
    if (step.op === "lag") return [step.timeColumn, ...(step.groupBy ?? [])];
    return [];
  });
}

function initialColumns(spec: RecipeInput, columns: ColumnLike[]): WorkColumn[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const features = resolveFeatures(spec, columns);
  const out: WorkColumn[] = features.map((name) => ({ name, type: byName.get(name)!.type, source: name, role: "feature" }));
  const target = byName.get(spec.target);
  if (target) out.push({ name: target.name, type: target.type, source: target.name, role: "target" });
  const taken = new Set(out.map((c) => c.name));
  for (const name of readOnlyReferences(spec.steps)) {
    const column = byName.get(name);
    if (!column || taken.has(name)) continue;
    taken.add(name);
    out.push({ name, type: column.type, source: name, role: "aux" });
  }
  return out;
}

function retype<C extends ColumnLike>(columns: C[], names: string[], type: (current: ColumnType) => ColumnType): C[] {
  return columns.map((c) => (names.includes(c.name) ? { ...c, type: type(c.type) } : c));
}

/** Puts derived columns right after their source, keeping or removing the source. */
function expand<C extends ColumnLike>(columns: C[], names: string[], derive: (c: C) => C[], keepSource: boolean): C[] {
  return columns.flatMap((c) => (names.includes(c.name) ? [...(keepSource ? [c] : []), ...derive(c)] : [c]));
}

const isIntegral = (bound: number | undefined) => bound === undefined || Number.isInteger(bound);

/** Makes a column derived from another (a one-hot, date part or lag output) in the caller's shape of column. */
export type DeriveColumn<C extends ColumnLike> = (from: C, name: string, type: ColumnType) => C;

/** Derived working columns are features, whatever their source was (a lag of the target is a feature). */
const deriveWork: DeriveColumn<WorkColumn> = (from, name, type) => ({ name, type, source: from.source, role: "feature" });

function datepartColumns<C extends ColumnLike>(step: DatepartStep, c: C, derive: DeriveColumn<C>): C[] {
  return step.parts.map((part) => derive(c, datepartColumnName(c.name, part), "integer"));
}

function lagColumns<C extends ColumnLike>(step: LagStep, c: C, derive: DeriveColumn<C>): C[] {
  return step.lags.map((lag) => derive(c, lagColumnName(c.name, lag), c.type));
}

/**
 * The columns after a step. Validation, fitting and the recipe builder all go through this one
 * rule, so the builder offers the columns the server will accept. `onehotOutputs` names a one-hot
 * column's outputs (unknown before fitting: []).
 */
export function columnsAfterStep<C extends ColumnLike>(
  columns: C[],
  step: RecipeStep,
  onehotOutputs: (source: string) => string[],
  derive: DeriveColumn<C>,
): C[] {
  switch (step.op) {
    case "impute":
      // A mean or median of integers is not an integer.
      return retype(columns, step.columns, (t) => (t === "integer" && step.strategy !== "mode" && step.strategy !== "constant" ? "number" : t));
    // Non-numeric columns keep their type: validation reports them, and must not then see them as numbers.
    case "scale":
    case "log":
      return retype(columns, step.columns, (t) => (isNumeric(t) ? "number" : t));
    case "clip":
      return retype(columns, step.columns, (t) => (t === "integer" && isIntegral(step.min) && isIntegral(step.max) ? "integer" : isNumeric(t) ? "number" : t));
    case "onehot":
      return expand(columns, step.columns, (c) => onehotOutputs(c.name).map((name) => derive(c, name, "integer")), false);
    case "drop":
      return columns.filter((c) => !step.columns.includes(c.name));
    case "filter":
      return columns;
    case "datepart":
      return expand(columns, step.columns, (c) => datepartColumns(step, c, derive), true);
    case "lag":
      return expand(columns, step.columns, (c) => lagColumns(step, c, derive), true);
  }
}

// ---------------------------------------------------------------------------------------------
// Validation

/** What validation knows about the columns between two steps. */
interface Plan {
  columns: WorkColumn[];
  dataset: Map<string, ColumnLike>;
  target: string;
  /** One-hot encoded column → its source: any "<column>=..." name is a known integer column. */
  onehotSources: Map<string, string>;
  /** Column → "steps.3 (drop)", for a clear message when a later step still names it. */
  removedBy: Map<string, string>;
}

function findColumn(plan: Plan, name: string): WorkColumn | null {
  const found = plan.columns.find((c) => c.name === name);
  if (found) return found;
  for (const [column, source] of plan.onehotSources) {
    if (name.startsWith(`${column}=`)) return { name, type: "integer", source, role: "feature" };
  }
  return null;
}

/** A column a step may read without changing it: a working column or any dataset column not removed. */
function findReadable(plan: Plan, name: string): WorkColumn | null {
  const found = findColumn(plan, name);
  if (found) return found;
  const column = plan.dataset.get(name);
  return column && !plan.removedBy.has(name) ? { name, type: column.type, source: name, role: "aux" } : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Typos are the usual cause of an unknown column, so name the closest existing one. */
const MAX_SUGGESTION_DISTANCE = 2;

export function unknownColumnMessage(name: string, known: string[]): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const close = best !== null && bestDistance <= Math.min(MAX_SUGGESTION_DISTANCE, Math.floor(name.length / 2));
  return `unknown column ${JSON.stringify(name)}${close ? ` (did you mean ${JSON.stringify(best)}?)` : ""}`;
}

function missingMessage(plan: Plan, name: string): string {
  const removed = plan.removedBy.get(name);
  if (removed) return `column ${JSON.stringify(name)} was removed by ${removed}`;
  if (plan.dataset.has(name)) return `column ${JSON.stringify(name)} is not among the features`;
  return unknownColumnMessage(name, [...new Set([...plan.dataset.keys(), ...plan.columns.map((c) => c.name)])]);
}

interface ColumnRule {
  /** Accepted types, with how to say so in a message. */
  types?: { accepts: (t: ColumnType) => boolean; need: string };
  /** Whether the step may change the target. */
  allowTarget: boolean;
}

const NUMBER_RULE = { accepts: isNumeric, need: "a number column" };
const DATETIME_RULE = { accepts: (t: ColumnType) => t === "datetime", need: "a datetime column" };

/** What a step's `columns` may name. */
function columnRule(step: Exclude<RecipeStep, FilterStep>): ColumnRule {
  switch (step.op) {
    case "impute":
      return { types: step.strategy === "mean" || step.strategy === "median" ? NUMBER_RULE : undefined, allowTarget: true };
    case "scale":
    case "log":
    case "clip":
      return { types: NUMBER_RULE, allowTarget: true };
    case "onehot":
    case "drop":
      return { allowTarget: false };
    // Parts of the target's date would leak the answer into the features.
    case "datepart":
      return { types: DATETIME_RULE, allowTarget: false };
    case "lag":
      return { allowTarget: true };
  }
}

/** Whether a step may name a column among its `columns`: the rule validation applies, for the recipe builder to offer only those. */
export function columnFits(step: RecipeStep, column: ColumnLike, target: string): boolean {
  if (step.op === "filter") return true;
  const rule = columnRule(step);
  return (rule.allowTarget || column.name !== target) && (rule.types?.accepts(column.type) ?? true);
}

function checkColumns(plan: Plan, field: string, op: string, names: string[], rule: ColumnRule): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of names) {
    const column = findColumn(plan, name);
    if (!column || column.role === "aux") errors.push({ field, message: missingMessage(plan, name) });
    else if (column.role === "target" && !rule.allowTarget) errors.push({ field, message: `${op} cannot be applied to the target ${JSON.stringify(name)}` });
    else if (rule.types && !rule.types.accepts(column.type)) {
      errors.push({ field, message: `column ${JSON.stringify(name)} is ${column.type}; ${op} needs ${rule.types.need}` });
    }
  }
  return errors;
}

function checkReadable(plan: Plan, field: string, name: string, types?: ColumnRule["types"], op = ""): FieldError[] {
  const column = findReadable(plan, name);
  if (!column) return [{ field, message: missingMessage(plan, name) }];
  if (types && !types.accepts(column.type)) return [{ field, message: `column ${JSON.stringify(name)} is ${column.type}; ${op} needs ${types.need}` }];
  return [];
}

/** Derived columns must not overwrite an existing one (a silent overwrite loses data). */
function checkNewNames(plan: Plan, field: string, names: string[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) || findColumn(plan, name)) errors.push({ field, message: `would create column ${JSON.stringify(name)}, which already exists` });
    seen.add(name);
  }
  return errors;
}

/** Whether a filter or constant value fits a column of this type. */
function valueFits(value: string | number | boolean, type: ColumnType): boolean {
  if (isNumeric(type)) return cellToNumber(value) !== null;
  if (type === "datetime") return toTimestamp(typeof value === "boolean" ? null : value) !== null;
  if (type === "boolean") return toBoolean(value) !== null;
  return true;
}

const ORDERING_OPERATORS = new Set(["<", "<=", ">", ">="]);
const TIME_RULE = { accepts: isTimeLike, need: "a datetime or number column" };

function checkStep(step: RecipeStep, at: string, plan: Plan): FieldError[] {
  const field = `${at}.columns`;
  const present = (names: string[]) => names.map((n) => findColumn(plan, n)).filter((c): c is WorkColumn => c !== null);
  switch (step.op) {
    case "impute": {
      const errors = checkColumns(plan, field, `impute (${step.strategy})`, step.columns, columnRule(step));
      if (step.strategy === "constant") {
        if (step.value === undefined) errors.push({ field: `${at}.value`, message: "constant imputation needs a value" });
        else {
          for (const c of present(step.columns)) {
            if ((isNumeric(c.type) && typeof step.value !== "number") || (c.type === "boolean" && typeof step.value !== "boolean")) {
              errors.push({ field: `${at}.value`, message: `value ${JSON.stringify(step.value)} does not fit ${c.type} column ${JSON.stringify(c.name)}` });
            }
          }
        }
      }
      return errors;
    }
    case "scale":
    case "log":
      return checkColumns(plan, field, step.op, step.columns, columnRule(step));
    case "clip": {
      const errors = checkColumns(plan, field, "clip", step.columns, columnRule(step));
      if (step.min === undefined && step.max === undefined) errors.push({ field: `${at}.min`, message: "give min, max or both" });
      else if (step.min !== undefined && step.max !== undefined && step.min > step.max) {
        errors.push({ field: `${at}.max`, message: `max (${step.max}) is below min (${step.min})` });
      }
      return errors;
    }
    case "onehot":
    case "drop":
      return checkColumns(plan, field, step.op, step.columns, columnRule(step));
    case "datepart": {
      const errors = checkColumns(plan, field, "datepart", step.columns, columnRule(step));
      return [
        ...errors,
        ...checkNewNames(
          plan,
          field,
          present(step.columns).flatMap((c) => datepartColumns(step, c, deriveWork).map((d) => d.name)),
        ),
      ];
    }
    case "lag": {
      const errors = checkColumns(plan, field, "lag", step.columns, columnRule(step));
      errors.push(...checkReadable(plan, `${at}.timeColumn`, step.timeColumn, TIME_RULE, "lag ordering"));
      for (const name of step.groupBy ?? []) errors.push(...checkReadable(plan, `${at}.groupBy`, name));
      return [
        ...errors,
        ...checkNewNames(
          plan,
          field,
          present(step.columns).flatMap((c) => lagColumns(step, c, deriveWork).map((d) => d.name)),
        ),
      ];
    }
    case "filter": {
      const errors = checkReadable(plan, `${at}.column`, step.column);
      const column = findReadable(plan, step.column);
      if (!column || step.operator === "isnull" || step.operator === "notnull") return errors;
      if (ORDERING_OPERATORS.has(step.operator) && !isTimeLike(column.type)) {
        errors.push({
          field: `${at}.operator`,
          message: `column ${JSON.stringify(step.column)} is ${column.type}; "${step.operator}" needs a number or datetime column`,
        });
      }
      if (step.value === undefined) errors.push({ field: `${at}.value`, message: `operator "${step.operator}" needs a value` });
      else if (!valueFits(step.value, column.type)) {
        errors.push({ field: `${at}.value`, message: `value ${JSON.stringify(step.value)} does not fit ${column.type} column ${JSON.stringify(step.column)}` });
      }
      return errors;
    }
  }
}

function advancePlan(plan: Plan, step: RecipeStep, at: string): void {
  const before = plan.columns;
  // Removing the target is already reported; keeping it avoids a second, misleading error.
  const applied = step.op === "drop" || step.op === "onehot" ? { ...step, columns: step.columns.filter((c) => c !== plan.target) } : step;
  plan.columns = columnsAfterStep(before, applied, () => [], deriveWork);
  if (applied.op === "onehot") for (const c of before.filter((c) => applied.columns.includes(c.name))) plan.onehotSources.set(c.name, c.source);
  const kept = new Set(plan.columns.map((c) => c.name));
  for (const c of before) if (!kept.has(c.name)) plan.removedBy.set(c.name, `${at} (${step.op})`);
}

function checkFeatures(spec: RecipeInput, plan: Plan): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  spec.features?.forEach((name, i) => {
    const field = `features.${i}`;
    if (!plan.dataset.has(name)) errors.push({ field, message: unknownColumnMessage(name, [...plan.dataset.keys()]) });
    else if (name === spec.target) errors.push({ field, message: `the target ${JSON.stringify(name)} cannot also be a feature` });
    else if (seen.has(name)) errors.push({ field, message: `column ${JSON.stringify(name)} is listed twice` });
    seen.add(name);
  });
  return errors;
}

function checkSplit(split: SplitSpec, dataset: Map<string, ColumnLike>): FieldError[] {
  if (split.method !== "time") return [];
  const field = "split.timeColumn";
  if (!split.timeColumn) return [{ field, message: "a time split needs timeColumn" }];
  const column = dataset.get(split.timeColumn);
  if (!column) return [{ field, message: unknownColumnMessage(split.timeColumn, [...dataset.keys()]) }];
  if (!isTimeLike(column.type))
    return [{ field, message: `column ${JSON.stringify(column.name)} is ${column.type}; a time split needs a datetime or number column` }];
  return [];
}

/**
 * Every problem of a recipe against a dataset's columns, as field errors (never throws).
 * Columns are tracked step by step, so a step naming a column an earlier step removed is caught.
 */
export function validateRecipe(spec: RecipeInput & { split?: SplitSpec }, columns: ColumnLike[]): FieldError[] {
  const dataset = new Map(columns.map((c) => [c.name, c]));
  const plan: Plan = { columns: initialColumns(spec, columns), dataset, target: spec.target, onehotSources: new Map(), removedBy: new Map() };
  const errors: FieldError[] = [];
  if (!dataset.has(spec.target)) errors.push({ field: "target", message: unknownColumnMessage(spec.target, [...dataset.keys()]) });
  errors.push(...checkFeatures(spec, plan));
  if (spec.split) errors.push(...checkSplit(spec.split, dataset));
  spec.steps.forEach((step, i) => {
    const at = `steps.${i}`;
    errors.push(...checkStep(step, at, plan));
    advancePlan(plan, step, at);
  });
  const hasFeatures = plan.columns.some((c) => c.role === "feature") || plan.onehotSources.size > 0;
  if (errors.length === 0 && !hasFeatures) errors.push({ field: "features", message: "no feature columns remain after the steps" });
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Fitting. The statistics are computed from what a source says about a column (its numbers, its
// distinct values), so the row fit here and the columnar one (columnar-recipe.ts) learn the same.

/** A distinct value of a column, typed as in the data, and how many rows hold it. */
export interface ValueCount {
  value: Cell;
  count: number;
}

/**
 * The training data as fitting reads it, whatever holds it: rows here, a column batch in
 * columnar-recipe.ts. Every answer is what the rows' cells would give, so one fit serves both.
 */
export interface FitSource {
  /** Rows now (filters drop some). */
  readonly length: number;
  /** A row's cell as a row would hold it (null when missing or absent). */
  cell(row: number, column: string): Cell;
  /** The finite numbers of a column (cellToNumber of each cell), in row order. */
  numbers(column: string): number[];
  /** Non-missing values by type and text (`${typeof}:${String}`), in order of first appearance. */
  valueCounts(column: string): ValueCount[];
  /** toTimestamp of each cell. */
  times(column: string): (number | null)[];
  /** Moves the data through a fitted step in train mode; `after` are the columns it leaves. */
  apply(step: FittedStep, after: ColumnLike[]): void;
}

/** The most frequent value; ties go to the smallest value so the fit is deterministic. */
function modeOf(counts: ValueCount[]): Cell {
  const ranked = [...counts].sort((a, b) => b.count - a.count || compareValues(a.value, b.value));
  return ranked.length ? ranked[0].value : null;
}

/** The fill of one column. A numeric column with no value in training fills with 0 rather than staying null. */
function imputeValue(step: ImputeStep, source: FitSource, column: string): Cell {
  if (step.strategy === "constant") return step.value ?? null;
  if (step.strategy === "mode") return modeOf(source.valueCounts(column));
  const values = source.numbers(column);
  if (!values.length) return 0;
  return step.strategy === "mean" ? mean(values) : median(values);
}

function scaleStat(method: ScaleStep["method"], column: string, values: number[]): ScaleStat {
  if (!values.length) return method === "standard" ? { column, mean: 0, std: 0 } : { column, min: 0, max: 0 };
  const min = values.reduce((a, b) => Math.min(a, b));
  const max = values.reduce((a, b) => Math.max(a, b));
  if (method === "minmax") return { column, min, max };
  // A constant column has exactly zero spread; computing it would leave float noise (e.g. 1e-17).
  if (min === max) return { column, mean: min, std: 0 };
  const center = mean(values);
  const variance = values.reduce((sum, v) => sum + (v - center) ** 2, 0) / values.length;
  return { column, mean: center, std: Math.sqrt(variance) };
}

/** Categories (values by their text) by frequency, then value, capped; the rest share `__other__`. */
function onehotVocabulary(column: string, values: ValueCount[]): OnehotVocabulary {
  const counts = new Map<string, number>();
  for (const { value, count } of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + count);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { column, categories: ranked.slice(0, MAX_ONEHOT_CATEGORIES).map(([c]) => c), other: ranked.length > MAX_ONEHOT_CATEGORIES };
}

/** The `${column}=...` columns of a vocabulary, in order; `__other__` last when rarer categories were cut. */
export function onehotOutputNames(vocabulary: OnehotVocabulary): string[] {
  const names = vocabulary.categories.map((c) => onehotColumnName(vocabulary.column, c));
  const other = onehotColumnName(vocabulary.column, OTHER_CATEGORY);
  return vocabulary.other && !names.includes(other) ? [...names, other] : names;
}

/** Group key of a row: JSON of its groupBy values (missing as null), equal after a JSON round-trip. */
function groupKey(values: Cell[]): string {
  return JSON.stringify(values.map((v) => (isMissing(v) ? null : v)));
}

/** The series key of each of `length` rows, from their groupBy cells. */
export function groupKeys(length: number, groupBy: string[], cell: (row: number, column: string) => Cell): string[] {
  return Array.from({ length }, (_, i) => groupKey(groupBy.map((g) => cell(i, g))));
}

/** Each series' rows (series in order of first appearance), sorted by time then position. */
function seriesByTime(keys: readonly string[], times: readonly (number | null)[]): number[][] {
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()].map((members) => members.sort((a, b) => compareTimes(times[a], times[b]) || a - b));
}

/** Per series, the last max(lags) training rows: the first later rows take their lags from them. */
function lagHistory(step: LagStep, source: FitSource): LagHistory[] {
  const depth = Math.max(...step.lags);
  const groupBy = step.groupBy ?? [];
  const keys = groupKeys(source.length, groupBy, (i, c) => source.cell(i, c));
  return seriesByTime(keys, source.times(step.timeColumn)).map((sorted) => ({
    group: groupBy.map((g) => source.cell(sorted[0], g)),
    tail: sorted.slice(-depth).map((i) => ({ time: source.cell(i, step.timeColumn), values: step.columns.map((c) => source.cell(i, c)) })),
  }));
}

function fitStep(step: RecipeStep, source: FitSource, columns: WorkColumn[]): FittedStep {
  const exists = (name: string) => columns.some((c) => c.name === name);
  if (step.op === "filter") {
    // Only a one-hot output never seen in training can be missing here; those are integers.
    return { ...step, columnType: columns.find((c) => c.name === step.column)?.type ?? "integer" };
  }
  const present = step.columns.filter(exists);
  switch (step.op) {
    case "impute":
      return { ...step, columns: present, fills: present.map((column) => ({ column, value: imputeValue(step, source, column) })) };
    case "scale":
      return { ...step, columns: present, stats: present.map((column) => scaleStat(step.method, column, source.numbers(column))) };
    case "onehot":
      return { ...step, columns: present, vocabularies: present.map((column) => onehotVocabulary(column, source.valueCounts(column))) };
    case "lag": {
      const narrowed = { ...step, columns: present };
      return { ...narrowed, history: lagHistory(narrowed, source) };
    }
    default:
      return { ...step, columns: present };
  }
}

/**
 * Fits every step, in order, on the output of the previous steps over the training data only,
 * whatever holds it: `open` gets the columns to read (features, target, columns steps read) and
 * returns the source. Throws a VALIDATION AppError when the recipe does not fit the columns.
 */
export function fitRecipeOn(spec: RecipeInput, columns: ColumnLike[], open: (inputs: ColumnLike[]) => FitSource): FittedRecipe {
  const errors = validateRecipe(spec, columns);
  if (errors.length) throw invalidFields(errors);
  let work = initialColumns(spec, columns);
  const inputColumns = work.filter((c) => c.role !== "target").map(({ name, type }) => ({ name, type }));
  const source = open(work.map(({ name, type }) => ({ name, type })));
  const steps: FittedStep[] = [];
  for (const step of spec.steps) {
    const fitted = fitStep(step, source, work);
    work = columnsAfterStep(work, fitted, fittedOnehotOutputs(fitted), deriveWork);
    source.apply(fitted, work);
    steps.push(fitted);
  }
  return {
    formatVersion: RECIPE_FORMAT_VERSION,
    target: spec.target,
    features: resolveFeatures(spec, columns),
    inputColumns,
    steps,
    outputColumns: work.filter((c) => c.role === "feature").map(({ name, type, source }) => ({ name, type, source })),
  };
}

/** The one-hot outputs of a fitted step's source column, for columnsAfterStep ([] for other steps). */
export function fittedOnehotOutputs(step: FittedStep): (source: string) => string[] {
  const vocabularies = step.op === "onehot" ? step.vocabularies : [];
  return (source) => {
    const vocabulary = vocabularies.find((v) => v.column === source);
    return vocabulary ? onehotOutputNames(vocabulary) : [];
  };
}

/** Training rows as a fit source; the rows are private copies, which the steps edit in place. */
function rowSource(initial: Row[]): FitSource {
  let rows = initial;
  return {
    get length() {
      return rows.length;
    },
    cell: (i, column) => readCell(rows[i], column),
    numbers: (column) => numbersOf(rows, column),
    valueCounts: (column) => {
      const counts = new Map<string, ValueCount>();
      for (const row of rows) {
        const value = readCell(row, column);
        if (isMissing(value)) continue;
        const key = `${typeof value}:${String(value)}`;
        const entry = counts.get(key);
        if (entry) entry.count++;
        else counts.set(key, { value, count: 1 });
      }
      return [...counts.values()];
    },
    times: (column) => rows.map((row) => toTimestamp(readCell(row, column))),
    apply: (step) => {
      rows = transformStep(step, rows, "train");
    },
  };
}

/**
 * Fits every step, in order, on the output of the previous steps over the training rows
 * only. Throws a VALIDATION AppError when the recipe does not fit the columns.
 */
export function fitRecipe(spec: RecipeInput, trainRows: Row[], columns: ColumnLike[]): FittedRecipe {
  return fitRecipeOn(spec, columns, (inputs) =>
    rowSource(
      projectRows(
        trainRows,
        inputs.map((c) => c.name),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Transforming. Working rows are private copies (projectRows), so steps edit them in place.

function imputeRows(step: FittedStep & { op: "impute" }, rows: Row[]): Row[] {
  for (const row of rows) {
    for (const { column, value } of step.fills) if (isMissing(readCell(row, column))) setCell(row, column, value);
  }
  return rows;
}

export function scaleValue(value: number, stat: ScaleStat): number {
  if ("mean" in stat) return (value - stat.mean) / (stat.std === 0 ? 1 : stat.std);
  const range = stat.max - stat.min;
  return range === 0 ? 0 : (value - stat.min) / range;
}

function scaleRows(step: FittedStep & { op: "scale" }, rows: Row[]): Row[] {
  for (const row of rows) {
    for (const stat of step.stats) {
      const value = cellToNumber(readCell(row, stat.column));
      setCell(row, stat.column, value === null ? null : scaleValue(value, stat));
    }
  }
  return rows;
}

function onehotRows(step: FittedStep & { op: "onehot" }, rows: Row[]): Row[] {
  for (const vocabulary of step.vocabularies) {
    const known = new Set(vocabulary.categories);
    const names = onehotOutputNames(vocabulary);
    const other = vocabulary.other ? onehotColumnName(vocabulary.column, OTHER_CATEGORY) : null;
    for (const row of rows) {
      const value = readCell(row, vocabulary.column);
      delete row[vocabulary.column];
      for (const name of names) setCell(row, name, 0);
      if (isMissing(value)) continue;
      const category = String(value);
      if (known.has(category)) setCell(row, onehotColumnName(vocabulary.column, category), 1);
      else if (other) setCell(row, other, 1);
    }
  }
  return rows;
}

function dropRows(step: DropStep, rows: Row[]): Row[] {
  for (const row of rows) for (const column of step.columns) delete row[column];
  return rows;
}

function sign(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.sign(a - b);
}

/** Compares a cell with a filter value by the column's type; null when they cannot be compared. */
function compareForFilter(cell: Cell, value: string | number | boolean, type: ColumnType): number | null {
  if (isNumeric(type)) return sign(cellToNumber(cell), cellToNumber(value));
  if (type === "datetime") return sign(toTimestamp(cell), toTimestamp(typeof value === "boolean" ? null : value));
  if (type === "boolean") {
    const [a, b] = [toBoolean(cell), toBoolean(value)];
    return a === null || b === null ? null : Number(a) - Number(b);
  }
  return compareValues(String(cell), String(value));
}

/**
 * Whether a cell passes a filter. "==" and "!=" are complements, so a missing (or
 * incomparable) cell passes "!=" and fails "=="; it fails every ordering comparison.
 */
export function matchesFilter(cell: Cell, step: FilterStep, type: ColumnType): boolean {
  if (step.operator === "isnull") return isMissing(cell);
  if (step.operator === "notnull") return !isMissing(cell);
  const order = isMissing(cell) || step.value === undefined ? null : compareForFilter(cell, step.value, type);
  if (order === null) return step.operator === "!=";
  switch (step.operator) {
    case "==":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
  }
}

function filterRows(step: FittedStep & { op: "filter" }, rows: Row[], mode: ApplyMode): Row[] {
  // Serving answers one prediction per row it is sent, so it never drops rows.
  if (mode === "serve") return rows;
  return rows.filter((row) => matchesFilter(readCell(row, step.column), step, step.columnType));
}

function mapNumbers(rows: Row[], columns: string[], f: (value: number) => number | null): Row[] {
  for (const row of rows) {
    for (const column of columns) {
      const value = cellToNumber(readCell(row, column));
      setCell(row, column, value === null ? null : f(value));
    }
  }
  return rows;
}

export function clipValue(value: number, min: number | undefined, max: number | undefined): number {
  return Math.min(Math.max(value, min ?? -Infinity), max ?? Infinity);
}

/** log1p; at or below -1 it is undefined (or -Infinity), which no model can use, so null. */
export function log1pOrNull(value: number): number | null {
  return value <= -1 ? null : Math.log1p(value);
}

const DAY_MS = 86_400_000;

/** ISO-8601 week: the week (Monday first) holding the year's first Thursday is week 1. */
function isoWeek(date: Date): number {
  const weekday = (date.getUTCDay() + 6) % 7;
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - weekday + 3);
  const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday - yearStart) / (7 * DAY_MS));
}

/** A part of a timestamp, in UTC so browser and server agree whatever their time zone. */
export function datePart(ms: number, part: DatePart): number {
  const date = new Date(ms);
  switch (part) {
    case "year":
      return date.getUTCFullYear();
    case "month":
      return date.getUTCMonth() + 1;
    case "week":
      return isoWeek(date);
    case "dayofweek":
      return (date.getUTCDay() + 6) % 7;
    case "dayofyear":
      return Math.round((Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
  }
}

function datepartRows(step: DatepartStep, rows: Row[]): Row[] {
  for (const row of rows) {
    for (const column of step.columns) {
      const ms = toTimestamp(readCell(row, column));
      const valid = ms !== null && !Number.isNaN(new Date(ms).getTime());
      for (const part of step.parts) setCell(row, datepartColumnName(column, part), valid ? datePart(ms, part) : null);
    }
  }
  return rows;
}

/** Writes lag columns for rows in series order, after `before` (history) points. */
function writeLags(step: LagStep, rows: Row[], ordered: number[], before: Cell[][]): void {
  const series = [...before, ...ordered.map((i) => step.columns.map((c) => readCell(rows[i], c)))];
  ordered.forEach((rowIndex, j) => {
    const position = before.length + j;
    step.columns.forEach((column, c) => {
      for (const lag of step.lags) setCell(rows[rowIndex], lagColumnName(column, lag), position >= lag ? series[position - lag][c] : null);
    });
  });
}

/** A run of one series' rows in time order, lagged after `before` (the values of its history's rows, oldest first). */
export interface LagRun {
  rows: number[];
  before: Cell[][];
}

/**
 * Lags go by row position within each series, sorted by time. Rows later than the series'
 * training history continue it, so the first of them get their lags from training; rows
 * within the training period (e.g. the training rows themselves) are lagged among
 * themselves. `keys` and `times` are each row's series key (groupKeys) and time.
 */
export function lagRuns(step: FittedStep & { op: "lag" }, keys: readonly string[], times: readonly (number | null)[]): LagRun[] {
  const histories = new Map(step.history.map((h) => [groupKey(h.group), h.tail]));
  return seriesByTime(keys, times).flatMap((sorted) => {
    const tail = histories.get(keys[sorted[0]]) ?? [];
    const tailTimes = tail.map((p) => toTimestamp(p.time)).filter((t): t is number => t !== null);
    const lastSeen = tailTimes.length ? Math.max(...tailTimes) : -Infinity;
    const isLater = (i: number) => tail.length > 0 && times[i] !== null && times[i]! > lastSeen;
    return [
      { rows: sorted.filter((i) => !isLater(i)), before: [] },
      { rows: sorted.filter(isLater), before: tail.map((p) => p.values) },
    ];
  });
}

/** Rows keep their input order; lagRuns says which rows lag which. */
function lagRows(step: FittedStep & { op: "lag" }, rows: Row[]): Row[] {
  const keys = groupKeys(rows.length, step.groupBy ?? [], (i, c) => readCell(rows[i], c));
  const times = rows.map((row) => toTimestamp(readCell(row, step.timeColumn)));
  for (const run of lagRuns(step, keys, times)) writeLags(step, rows, run.rows, run.before);
  return rows;
}

function transformStep(step: FittedStep, rows: Row[], mode: ApplyMode): Row[] {
  switch (step.op) {
    case "impute":
      return imputeRows(step, rows);
    case "scale":
      return scaleRows(step, rows);
    case "onehot":
      return onehotRows(step, rows);
    case "drop":
      return dropRows(step, rows);
    case "filter":
      return filterRows(step, rows, mode);
    case "clip":
      return mapNumbers(rows, step.columns, (v) => clipValue(v, step.min, step.max));
    case "log":
      return mapNumbers(rows, step.columns, log1pOrNull);
    case "datepart":
      return datepartRows(step, rows);
    case "lag":
      return lagRows(step, rows);
  }
}

/**
 * The recipe in serve mode as one function per feature, for a caller holding columns of numbers
 * (NaN for a missing value) rather than rows: the same arithmetic, step by step, as
 * `applyRecipe`. Null unless every step works on one number column at a time — impute with a
 * number or boolean fill, scale, clip, log; drop; filter, which serve mode skips — and every
 * feature is an input column of that name.
 */
export function columnTransforms(fitted: FittedRecipe, features: string[]): ((value: number) => number)[] | null {
  const chains = new Map<string, ((value: number) => number)[]>();
  const add = (column: string, f: (value: number) => number) => {
    const chain = chains.get(column) ?? [];
    chain.push(f);
    chains.set(column, chain);
  };
  for (const step of fitted.steps) {
    switch (step.op) {
      case "impute":
        for (const { column, value } of step.fills) {
          if (typeof value !== "number" && typeof value !== "boolean") return null;
          const fill = Number(value);
          add(column, (v) => (Number.isNaN(v) ? fill : v));
        }
        break;
      case "scale":
        for (const stat of step.stats) add(stat.column, (v) => (Number.isNaN(v) ? v : scaleValue(v, stat)));
        break;
      case "clip":
        for (const column of step.columns) add(column, (v) => (Number.isNaN(v) ? v : clipValue(v, step.min, step.max)));
        break;
      case "log":
        for (const column of step.columns) add(column, (v) => (Number.isNaN(v) ? v : (log1pOrNull(v) ?? NaN)));
        break;
      case "drop":
      case "filter":
        break;
      default:
        return null;
    }
  }
  const inputs = new Set(fitted.inputColumns.map((c) => c.name));
  if (!features.every((f) => inputs.has(f))) return null;
  return features.map((f) => {
    const chain = chains.get(f) ?? [];
    if (chain.length === 0) return (v: number) => v;
    if (chain.length === 1) return chain[0];
    return (v: number) => {
      for (const step of chain) v = step(v);
      return v;
    };
  });
}

/**
 * Applies a fitted recipe. Output rows hold the feature columns and the target (null when a
 * row lacks it), in input order. Unknown categories and missing values never throw. In
 * "serve" mode filter steps are skipped so every row gets an answer.
 */
export function applyRecipe(fitted: FittedRecipe, rows: Row[], opts: { mode?: ApplyMode; project?: boolean } = {}): { rows: Row[]; columns: FeatureColumn[] } {
  const mode = opts.mode ?? "train";
  // No steps and no projection asked for: the rows already hold every output column (the inputs), as they are.
  if (opts.project === false && fitted.steps.length === 0) return { rows, columns: fitted.outputColumns.map((c) => ({ ...c })) };
  const inputNames = [...new Set([...fitted.inputColumns.map((c) => c.name), fitted.target])];
  let work = projectRows(rows, inputNames);
  for (const step of fitted.steps) work = transformStep(step, work, mode);
  // `project: false`: rows that may still hold columns the recipe left behind, for a caller that reads only the output columns by name (one object less per row).
  if (opts.project === false) return { rows: work, columns: fitted.outputColumns.map((c) => ({ ...c })) };
  const outputNames = [...new Set([...fitted.outputColumns.map((c) => c.name), fitted.target])];
  return { rows: projectRows(work, outputNames), columns: fitted.outputColumns.map((c) => ({ ...c })) };
}
