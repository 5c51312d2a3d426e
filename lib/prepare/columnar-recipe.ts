import {
  type ColumnBatch,
  type ColumnData,
  cellOf,
  emptyColumn,
  isTextType,
  numberOfCell,
  takeBatchRows,
  timeOfCell,
  wholeMilliseconds,
} from "@/lib/data/column-batch";
import type { Cell, ColumnType } from "@/lib/data/types";
import { cellToNumber, toTimestamp } from "@/lib/shared/cells";
import {
  type ApplyMode,
  type ColumnLike,
  clipValue,
  columnsAfterStep,
  datePart,
  datepartColumnName,
  type DeriveColumn,
  type FitSource,
  type FittedRecipe,
  type FittedStep,
  fitRecipeOn,
  fittedOnehotOutputs,
  groupKeys,
  lagColumnName,
  lagRuns,
  log1pOrNull,
  matchesFilter,
  OTHER_CATEGORY,
  onehotColumnName,
  onehotOutputNames,
  type RecipeInput,
  scaleValue,
  type ValueCount,
} from "./recipe";

/**
 * The recipe on a column batch rather than rows (browser-safe, pure): fitting learns what
 * fitRecipe learns from the batch's rows, applying gives what applyRecipe gives them, with the
 * same arithmetic in the same order, but one typed array per column instead of an object per
 * row. Steps replace columns and never write into them, so the caller's batch stays as it was;
 * an output column a step left alone is the input's own array.
 */

type NumberColumn = Extract<ColumnData, { values: Float64Array }>;
type TextColumn = Extract<ColumnData, { values: (string | null)[] }>;

const isText = (column: ColumnData): column is TextColumn => isTextType(column.type);

/** The columns between two steps, and the input row each of their rows came from. */
interface WorkBatch {
  length: number;
  columns: Map<string, ColumnData>;
  kept: Int32Array;
}

const isNumericType = (type: ColumnType) => type === "number" || type === "integer";

/** Whether a row holds the same cell in a column of either type (a category is a text; an integer a number). */
const sameCells = (a: ColumnType, b: ColumnType) => a === b || (isNumericType(a) && isNumericType(b)) || (isTextType(a) && isTextType(b));

/**
 * A cell as a numeric column of `type` holds it, read as the recipe's steps would read it: a
 * datetime by toTimestamp, a number by cellToNumber (numbers as they are, Infinity included).
 */
function storedNumber(cell: Cell, type: ColumnType): number {
  if (type === "datetime") {
    const ms = toTimestamp(cell);
    return ms === null ? Number.NaN : wholeMilliseconds(ms);
  }
  if (type === "boolean") return numberOfCell(cell, type);
  return typeof cell === "number" ? cell : (cellToNumber(cell) ?? Number.NaN);
}

/** Writes a cell (a fill, a lag's history value) into row i of a column. */
function storeCell(column: ColumnData, i: number, cell: Cell): void {
  if (isText(column)) column.values[i] = cell === null ? null : String(cell);
  else column.values[i] = storedNumber(cell, column.type);
}

/** The same values under another type of the same storage (a number as an integer); null across storages. */
function relabel(column: ColumnData, type: ColumnType): ColumnData | null {
  if (isText(column)) return isTextType(type) ? { type, values: column.values } : null;
  return isTextType(type) ? null : { type, values: column.values };
}

/** A column with a type: its own values when a row's cells stay the same, else converted cell by cell. */
function withType(column: ColumnData, type: ColumnType): ColumnData {
  if (column.type === type) return column;
  const relabelled = sameCells(column.type, type) ? relabel(column, type) : null;
  if (relabelled) return relabelled;
  const out = emptyColumn(type, column.values.length);
  for (let i = 0; i < column.values.length; i++) storeCell(out, i, cellOf(column, i));
  return out;
}

/**
 * The input columns of a batch, each of the type the recipe expects (absent ones all missing).
 * Datetimes keep whole milliseconds, as a row's ISO text of them does.
 */
function project(batch: ColumnBatch, inputs: ColumnLike[]): WorkBatch {
  const columns = new Map<string, ColumnData>();
  for (const { name, type } of inputs) {
    const given = batch.columns.get(name);
    let column = given ? withType(given, type) : emptyColumn(type, batch.length);
    if (column.type === "datetime" && column.values.some((v) => !Number.isNaN(v) && v !== wholeMilliseconds(v))) {
      column = { type: "datetime", values: column.values.map((v) => (Number.isNaN(v) ? v : wholeMilliseconds(v))) };
    }
    columns.set(name, column);
  }
  const kept = new Int32Array(batch.length);
  for (let i = 0; i < kept.length; i++) kept[i] = i;
  return { length: batch.length, columns, kept };
}

const cellAt = (work: WorkBatch, name: string, i: number): Cell => {
  const column = work.columns.get(name);
  return column ? cellOf(column, i) : null;
};

/** cellToNumber of row i's cell; NaN where that is null. */
/** A cell of a column as the row path's cellToNumber reads it (NaN: none). */
export function numberAt(column: ColumnData, i: number): number {
  if (isText(column)) return cellToNumber(column.values[i]) ?? Number.NaN;
  // A datetime's cell is ISO text, which is no number.
  if (column.type === "datetime") return Number.NaN;
  const v = column.values[i];
  return Number.isFinite(v) ? v : Number.NaN;
}

const timesOf = (work: WorkBatch, name: string): (number | null)[] => {
  const column = work.columns.get(name);
  return Array.from({ length: work.length }, (_, i) => (column ? timeOfCell(column, i) : null));
};

// ---------------------------------------------------------------------------------------------
// Steps

function imputeColumns(step: FittedStep & { op: "impute" }, work: WorkBatch): void {
  for (const { column: name, value } of step.fills) {
    const column = work.columns.get(name);
    // Every column a fitted step names exists (the projection made each input column).
    if (!column || value === null) continue;
    if (isText(column)) {
      const fill = String(value);
      work.columns.set(name, { type: column.type, values: column.values.map((v) => v ?? fill) });
    } else {
      const fill = storedNumber(value, column.type);
      work.columns.set(name, { type: column.type, values: column.values.map((v) => (Number.isNaN(v) ? fill : v)) });
    }
  }
}

/** A number column of f applied to each finite number of a column; NaN where a row has none or f gives null. */
function mapNumbers(column: ColumnData, f: (value: number) => number | null): NumberColumn {
  const values = new Float64Array(column.values.length);
  for (let i = 0; i < values.length; i++) {
    const v = numberAt(column, i);
    values[i] = Number.isNaN(v) ? v : (f(v) ?? Number.NaN);
  }
  return { type: "number", values };
}

function mapColumns(work: WorkBatch, names: string[], f: (value: number) => number | null): void {
  for (const name of names) {
    const column = work.columns.get(name);
    if (column) work.columns.set(name, mapNumbers(column, f));
  }
}

/** The text a one-hot step files row i under (String of its cell); null when missing. */
function categoryReader(column: ColumnData): (i: number) => string | null {
  if (isText(column)) return (i) => column.values[i];
  return (i) => (Number.isNaN(column.values[i]) ? null : String(cellOf(column, i)));
}

function onehotColumns(step: FittedStep & { op: "onehot" }, work: WorkBatch): void {
  for (const vocabulary of step.vocabularies) {
    const source = work.columns.get(vocabulary.column);
    work.columns.delete(vocabulary.column);
    const outputs = onehotOutputNames(vocabulary).map((name) => ({ name, values: new Float64Array(work.length) }));
    const position = new Map(outputs.map((o, k) => [o.name, k]));
    const other = vocabulary.other ? (position.get(onehotColumnName(vocabulary.column, OTHER_CATEGORY)) ?? -1) : -1;
    const known = new Set(vocabulary.categories);
    const outputOf = (category: string) => (known.has(category) ? position.get(onehotColumnName(vocabulary.column, category))! : other);
    if (source) {
      const category = categoryReader(source);
      // A numeric column has few distinct values and each one's text is costly (an ISO date): look each up once.
      const seen = new Map<number | string, number>();
      for (let i = 0; i < work.length; i++) {
        const key: number | string | null = source.values[i];
        if (key === null || (typeof key === "number" && Number.isNaN(key))) continue;
        let k = seen.get(key);
        if (k === undefined) {
          k = outputOf(category(i)!);
          seen.set(key, k);
        }
        if (k >= 0) outputs[k].values[i] = 1;
      }
    }
    for (const { name, values } of outputs) work.columns.set(name, { type: "integer", values });
  }
}

/** A filter's cell; a datetime as its milliseconds, which matchesFilter reads as it reads the ISO text. */
function filterCell(column: ColumnData | undefined, i: number): Cell {
  if (!column) return null;
  if (column.type === "datetime") return Number.isNaN(column.values[i]) ? null : column.values[i];
  return cellOf(column, i);
}

function filterColumns(step: FittedStep & { op: "filter" }, work: WorkBatch, mode: ApplyMode): void {
  // Serving answers one prediction per row it is sent, so it never drops rows.
  if (mode === "serve") return;
  const column = work.columns.get(step.column);
  const rows: number[] = [];
  for (let i = 0; i < work.length; i++) if (matchesFilter(filterCell(column, i), step, step.columnType)) rows.push(i);
  if (rows.length === work.length) return;
  work.columns = takeBatchRows(work, rows).columns;
  work.kept = Int32Array.from(rows, (r) => work.kept[r]);
  work.length = rows.length;
}

const DAY_MS = 86_400_000;

/**
 * Every part is one of the UTC day, so each day's parts are computed once (a Date per row and
 * part otherwise), from the first time seen that day.
 */
function datepartColumns(step: FittedStep & { op: "datepart" }, work: WorkBatch): void {
  for (const name of step.columns) {
    const times = timesOf(work, name);
    for (const part of step.parts) {
      const values = new Float64Array(work.length);
      const byDay = new Map<number, number>();
      for (let i = 0; i < values.length; i++) {
        const ms = times[i];
        if (ms === null) {
          values[i] = Number.NaN;
          continue;
        }
        const day = Math.floor(ms / DAY_MS);
        let value = byDay.get(day);
        if (value === undefined) {
          // datePart of a time a Date cannot hold is NaN: missing, as the row code makes it.
          value = datePart(ms, part);
          byDay.set(day, value);
        }
        values[i] = value;
      }
      work.columns.set(datepartColumnName(name, part), { type: "integer", values });
    }
  }
}

function lagColumns(step: FittedStep & { op: "lag" }, work: WorkBatch): void {
  const keys = groupKeys(work.length, step.groupBy ?? [], (i, c) => cellAt(work, c, i));
  const runs = lagRuns(step, keys, timesOf(work, step.timeColumn));
  step.columns.forEach((name, c) => {
    const source = work.columns.get(name) ?? emptyColumn("number", work.length);
    for (const lag of step.lags) {
      const out = emptyColumn(source.type, work.length);
      for (const { rows, before } of runs) {
        for (let j = 0; j < rows.length; j++) {
          const from = before.length + j - lag;
          if (from < 0) continue;
          if (from < before.length) storeCell(out, rows[j], before[from][c]);
          else out.values[rows[j]] = source.values[rows[from - before.length]];
        }
      }
      work.columns.set(lagColumnName(name, lag), out);
    }
  });
}

function transformColumns(step: FittedStep, work: WorkBatch, mode: ApplyMode): void {
  switch (step.op) {
    case "impute":
      imputeColumns(step, work);
      break;
    case "scale":
      for (const stat of step.stats) mapColumns(work, [stat.column], (v) => scaleValue(v, stat));
      break;
    case "onehot":
      onehotColumns(step, work);
      break;
    case "drop":
      for (const name of step.columns) work.columns.delete(name);
      break;
    case "filter":
      filterColumns(step, work, mode);
      break;
    case "clip":
      mapColumns(work, step.columns, (v) => clipValue(v, step.min, step.max));
      break;
    case "log":
      mapColumns(work, step.columns, log1pOrNull);
      break;
    case "datepart":
      datepartColumns(step, work);
      break;
    case "lag":
      lagColumns(step, work);
      break;
  }
}

/** Gives each column the type the recipe says it has after a step (an imputed mean is a number, a one-hot output an integer). */
function retype(work: WorkBatch, after: ColumnLike[]): void {
  for (const { name, type } of after) {
    const column = work.columns.get(name);
    const relabelled = column && column.type !== type ? relabel(column, type) : null;
    if (relabelled) work.columns.set(name, relabelled);
  }
}

/** One step on the columns, then their types as the recipe has them. */
function applyStep(step: FittedStep, work: WorkBatch, mode: ApplyMode, after: ColumnLike[]): void {
  transformColumns(step, work, mode);
  retype(work, after);
}

// ---------------------------------------------------------------------------------------------
// Fitting

/** The distinct non-missing values of a column, as rowSource counts them (one per type and text). */
function valueCounts(column: ColumnData | undefined, length: number): ValueCount[] {
  const counts = new Map<number | string, ValueCount>();
  if (!column) return [];
  for (let i = 0; i < length; i++) {
    // Map keys are compared like the text of a number: 0 and -0 are one key, as are their texts.
    const key: number | string | null = column.values[i];
    if (key === null || (typeof key === "number" && Number.isNaN(key))) continue;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { value: cellOf(column, i), count: 1 });
  }
  return [...counts.values()];
}

function batchSource(work: WorkBatch): FitSource {
  return {
    get length() {
      return work.length;
    },
    cell: (i, name) => cellAt(work, name, i),
    numbers: (name) => {
      const column = work.columns.get(name);
      const out: number[] = [];
      if (!column) return out;
      for (let i = 0; i < work.length; i++) {
        const v = numberAt(column, i);
        if (!Number.isNaN(v)) out.push(v);
      }
      return out;
    },
    valueCounts: (name) => valueCounts(work.columns.get(name), work.length),
    times: (name) => timesOf(work, name),
    apply: (step, after) => applyStep(step, work, "train", after),
  };
}

/** fitRecipe on a batch: the same fitted recipe as `fitRecipe(spec, rowsOfBatch(train), columns)`, and the same errors. */
export function fitRecipeColumns(spec: RecipeInput, train: ColumnBatch, columns: ColumnLike[]): FittedRecipe {
  return fitRecipeOn(spec, columns, (inputs) => batchSource(project(train, inputs)));
}

// ---------------------------------------------------------------------------------------------
// Applying

const deriveColumn: DeriveColumn<ColumnLike> = (_from, name, type) => ({ name, type });

/**
 * The type of a target the batch lacks. A fitted recipe does not keep the target's type, and an
 * absent target's rows are all missing but for a fill, so the fill's kind is the one that
 * shows: the cell a row would hold.
 */
function absentTargetType(fitted: FittedRecipe): ColumnType {
  for (const step of fitted.steps) {
    if (step.op !== "impute") continue;
    const fill = step.fills.find((f) => f.column === fitted.target);
    if (fill && fill.value !== null) return typeof fill.value === "string" ? "category" : typeof fill.value === "boolean" ? "boolean" : "number";
  }
  return "number";
}

/**
 * applyRecipe on a batch. `batch` holds the output columns and the target in applyRecipe's
 * order, so `rowsOfBatch(batch)` equals `applyRecipe(fitted, rowsOfBatch(input), { mode }).rows`;
 * `kept` is the input row of each output row (filters drop rows in train mode).
 */
export function applyRecipeColumns(fitted: FittedRecipe, batch: ColumnBatch, opts: { mode: ApplyMode }): { batch: ColumnBatch; kept: Int32Array } {
  const target = batch.columns.get(fitted.target);
  const inputs: ColumnLike[] = [
    ...fitted.inputColumns.filter((c) => c.name !== fitted.target),
    { name: fitted.target, type: target?.type ?? absentTargetType(fitted) },
  ];
  const work = project(batch, inputs);
  let columns = inputs;
  for (const step of fitted.steps) {
    columns = columnsAfterStep(columns, step, fittedOnehotOutputs(step), deriveColumn);
    applyStep(step, work, opts.mode, columns);
  }
  const out = new Map<string, ColumnData>();
  for (const { name, type } of fitted.outputColumns) if (!out.has(name)) out.set(name, work.columns.get(name) ?? emptyColumn(type, work.length));
  // The projection made the target, and no step removes it.
  if (!out.has(fitted.target)) out.set(fitted.target, work.columns.get(fitted.target) ?? emptyColumn("number", work.length));
  return { batch: { length: work.length, columns: out }, kept: work.kept };
}
