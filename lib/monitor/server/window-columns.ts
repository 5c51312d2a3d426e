import type { ColumnType, Row } from "@/lib/data/types";
import { grownTo } from "@/lib/monitor/server/traffic-read";
import { categoryOf, driftKindOf, MISSING, numberOf, predictionLabel, qualityCell, TYPE_ERROR, type DriftKind } from "../drift";

/**
 * Scored and refused rows of an endpoint kept in columns on the reader thread, so a monitoring
 * read parses each logged request's JSON once and then only counts and sorts typed arrays. A
 * cell is kept as drift reads it (a number, NaN when null, or a category's code) and as data
 * quality reads it (missing, a type error, or its coerced value), with the row's time and
 * whether it was scored; a prediction as a number and as a category's code.
 */

/** Quality states of a cell. */
export const VALUE = 0;
export const NULL = 1;
export const WRONG_TYPE = 2;

/** A prediction: absent, a number, or another present value (a label, a list). */
export const NO_PREDICTION = 0;
export const NUMBER_PREDICTION = 1;
export const OTHER_PREDICTION = 2;
/** predictionCode of a finite number prediction until its category is asked for (see predictionCodeAt). */
const NUMBER_CODE = -2;

export interface FeatureColumn {
  name: string;
  type: ColumnType;
  kind: DriftKind | null;
  /** Drift's reading: numeric features a number or NaN; categorical ones a code or -1. */
  drift: Float64Array | Int32Array;
  /** Data quality's reading: VALUE, NULL or WRONG_TYPE. */
  state: Uint8Array;
  /** The coerced value where state is VALUE: a number (number, integer), a code (category), else unused. */
  value: Float64Array | Int32Array;
}

/** Category labels by code, shared by every block of one endpoint's columns. */
export class Labels {
  readonly codes = new Map<string, number>();
  readonly labels: string[] = [];

  code(label: string | null): number {
    if (label === null) return -1;
    let code = this.codes.get(label);
    if (code === undefined) {
      code = this.labels.length;
      this.codes.set(label, code);
      this.labels.push(label);
    }
    return code;
  }
}

/** Rows in columns, appended one at a time into typed arrays that double as they fill. */
export class Block {
  length = 0;
  private capacity = 0;
  createdAt = new Float64Array(0);
  /** 1 scored (drift and quality see it), 0 refused (quality only). */
  scored = new Uint8Array(0);
  predictionKind = new Uint8Array(0);
  predictionNumber = new Float64Array(0);
  predictionCode = new Int32Array(0);
  /** The row's sampling priority (see lib/monitor/server/log-sample.ts). */
  priority = new Float64Array(0);
  readonly features: FeatureColumn[];

  constructor(
    columns: readonly { name: string; type: ColumnType }[],
    private readonly labels: Labels,
  ) {
    this.features = columns.map(({ name, type }) => {
      const kind = driftKindOf(type);
      return {
        name,
        type,
        kind,
        drift: kind === "numeric" ? new Float64Array(0) : new Int32Array(0),
        state: new Uint8Array(0),
        value: type === "category" ? new Int32Array(0) : new Float64Array(0),
      };
    });
  }

  private reserve(): void {
    if (this.length < this.capacity) return;
    const capacity = Math.max(64, this.capacity * 2);
    this.createdAt = grownTo(this.createdAt, capacity);
    this.scored = grownTo(this.scored, capacity);
    this.predictionKind = grownTo(this.predictionKind, capacity);
    this.predictionNumber = grownTo(this.predictionNumber, capacity);
    this.predictionCode = grownTo(this.predictionCode, capacity);
    this.priority = grownTo(this.priority, capacity);
    for (const f of this.features) {
      f.drift = grownTo(f.drift, capacity);
      f.state = grownTo(f.state, capacity);
      f.value = grownTo(f.value, capacity);
    }
    this.capacity = capacity;
  }

  /** One row as driftReport and qualityReport read it: drift sees inherited names too (and ignores what they read), quality own ones only. */
  push(row: Row, createdAt: number, scored: boolean, prediction: unknown, priority: number): void {
    this.reserve();
    const i = this.length++;
    this.createdAt[i] = createdAt;
    this.priority[i] = priority;
    this.scored[i] = scored ? 1 : 0;
    const present = prediction !== null && prediction !== undefined;
    this.predictionKind[i] = !scored || !present ? NO_PREDICTION : typeof prediction === "number" ? NUMBER_PREDICTION : OTHER_PREDICTION;
    this.predictionNumber[i] = scored ? (numberOf(prediction) ?? NaN) : NaN;
    // A number's category (its text) is looked up only if predictions are compared as categories.
    this.predictionCode[i] = !scored
      ? -1
      : typeof prediction === "number" && Number.isFinite(prediction)
        ? NUMBER_CODE
        : this.labels.code(categoryOf(predictionLabel(prediction)));
    for (const f of this.features) {
      const cell = row[f.name];
      if (typeof cell === "number" && f.type === "number" && Number.isFinite(cell)) {
        // What numberOf and qualityCell make of a finite number in a number column: itself.
        f.drift[i] = cell;
        f.state[i] = VALUE;
        f.value[i] = cell;
        continue;
      }
      if (f.kind === "numeric") f.drift[i] = numberOf(cell) ?? NaN;
      else if (f.kind === "categorical") f.drift[i] = this.labels.code(categoryOf(cell));
      const q = qualityCell(Object.hasOwn(row, f.name) ? cell : undefined, f.type);
      f.state[i] = q === MISSING ? NULL : q === TYPE_ERROR ? WRONG_TYPE : VALUE;
      if (q !== MISSING && q !== TYPE_ERROR) f.value[i] = f.type === "category" ? this.labels.code(String(q)) : typeof q === "number" ? q : NaN;
    }
  }

  /** A prediction's category code (a number's text looked up on first use). */
  predictionCodeAt(i: number): number {
    const code = this.predictionCode[i];
    return code === NUMBER_CODE ? (this.predictionCode[i] = this.labels.code(String(this.predictionNumber[i]))) : code;
  }

  /** Keeps only the rows `keep` says, in order (rows that fell out of every window asked lately). */
  compact(keep: (i: number) => boolean): void {
    let n = 0;
    const arrays = [
      this.createdAt,
      this.priority,
      this.scored,
      this.predictionKind,
      this.predictionNumber,
      this.predictionCode,
      ...this.features.flatMap((f) => [f.drift, f.state, f.value]),
    ];
    for (let i = 0; i < this.length; i++) {
      if (!keep(i)) continue;
      if (n !== i) for (const a of arrays) a[n] = a[i];
      n++;
    }
    this.length = n;
  }
}
