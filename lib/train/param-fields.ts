import { boundViolation, describeBound, PARAM_BOUNDS, rangeText, type ParamBound } from "./param-bounds";
import { ACTIVATIONS, type Algorithm } from "./types";

/**
 * The params a person can set for each algorithm, as form fields (browser-safe). The run form and
 * the sweep form draw them; the server checks the values again (params schemas), so this only
 * turns text into the right JSON types and catches typing slips and values beyond the param's
 * bound (PARAM_BOUNDS, the server's) early.
 */
export type ParamKind = "int" | "number" | "intList" | "column" | "columnList" | "choice" | "boolean";

export interface ParamField {
  name: string;
  label: string;
  hint: string;
  kind: ParamKind;
  /** "model" fields shape what is learnt (layers, columns); "training" fields how it is fitted. */
  group: "model" | "training";
  /** For "choice": the allowed values. */
  options?: readonly string[];
  /** The allowed values, as the server checks them (PARAM_BOUNDS of the field's algorithm). */
  bound?: ParamBound;
}

const TRAINING: Record<string, ParamField> = {
  epochs: { name: "epochs", label: "Epochs", hint: "Ceiling; early stopping decides.", kind: "int", group: "training" },
  batchSize: { name: "batchSize", label: "Batch size", hint: "Examples per gradient step.", kind: "int", group: "training" },
  learningRate: { name: "learningRate", label: "Learning rate", hint: "Adam step size.", kind: "number", group: "training" },
  l2: { name: "l2", label: "L2 penalty", hint: "Weight decay on the kernels.", kind: "number", group: "training" },
  dropout: { name: "dropout", label: "Dropout", hint: "After each hidden layer.", kind: "number", group: "training" },
  earlyStoppingPatience: {
    name: "earlyStoppingPatience",
    label: "Early-stopping patience",
    hint: "Epochs without a better validation score; 0 turns it off.",
    kind: "int",
    group: "training",
  },
  seed: { name: "seed", label: "Seed", hint: "Same seed, same run.", kind: "int", group: "training" },
};

const HIDDEN_UNITS: ParamField = { name: "hiddenUnits", label: "Hidden units", hint: "Units per hidden layer, comma-separated.", kind: "intList", group: "model" };

const t = (...names: string[]) => names.map((n) => TRAINING[n]);

const FIELDS: Record<Algorithm, ParamField[]> = {
  linear: t("epochs", "batchSize", "learningRate", "l2", "earlyStoppingPatience", "seed"),
  logistic: t("epochs", "batchSize", "learningRate", "l2", "earlyStoppingPatience", "seed"),
  mlp: [
    HIDDEN_UNITS,
    { name: "activation", label: "Activation", hint: "Of the hidden layers.", kind: "choice", group: "model", options: ACTIVATIONS },
    ...t("epochs", "batchSize", "learningRate", "l2", "dropout", "earlyStoppingPatience", "seed"),
  ],
  forecaster: [
    { name: "horizon", label: "Horizon", hint: "Periods ahead; also the backtest window.", kind: "int", group: "model" },
    { name: "timeColumn", label: "Time column", hint: "The period of each row.", kind: "column", group: "model" },
    { name: "seriesColumns", label: "Series columns", hint: "Columns naming a series (store, brand), comma-separated; - for one series.", kind: "columnList", group: "model" },
    { name: "exogenous", label: "Known-ahead columns", hint: "Known for future periods (price, advert), comma-separated; - for none.", kind: "columnList", group: "model" },
    { name: "lags", label: "Lags", hint: "Past periods read, comma-separated (1 = the last).", kind: "intList", group: "model" },
    { name: "seasonLength", label: "Season length", hint: "52 for weeks; 0 off; −1 infers it.", kind: "int", group: "model" },
    HIDDEN_UNITS,
    { name: "ensembleSize", label: "Ensemble size", hint: "Networks averaged (different seeds).", kind: "int", group: "model" },
    ...t("epochs", "batchSize", "learningRate", "l2", "dropout", "earlyStoppingPatience", "seed"),
  ],
  recommender: [
    { name: "itemColumn", label: "Item column", hint: "The item bought or viewed.", kind: "column", group: "model" },
    { name: "basketColumn", label: "Basket column", hint: "Invoice, order or session.", kind: "column", group: "model" },
    { name: "quantityColumn", label: "Quantity column", hint: "Rows with 0 or less (returns) are dropped.", kind: "column", group: "model" },
    { name: "embeddingDim", label: "Embedding size", hint: "Dimensions of each item's vector.", kind: "int", group: "model" },
    { name: "k", label: "k", hint: "Recommendations scored per query (hit rate@k).", kind: "int", group: "model" },
    { name: "cooccurrenceWeight", label: "Co-occurrence weight", hint: "Blend of bought-together counts; 0 = embeddings only.", kind: "number", group: "model" },
    { name: "negatives", label: "Negative samples", hint: "Per positive pair.", kind: "int", group: "training" },
    ...t("epochs", "batchSize", "learningRate", "earlyStoppingPatience", "seed"),
  ],
};

/** Each algorithm's fields, with their bounds. */
export const PARAM_FIELDS = Object.fromEntries(
  Object.entries(FIELDS).map(([algorithm, fields]) => [algorithm, fields.map((f) => ({ ...f, bound: PARAM_BOUNDS[algorithm as Algorithm][f.name] }))]),
) as Record<Algorithm, ParamField[]>;

/** A field's hint with its range: "Examples per gradient step. 8–8192." */
export const paramFieldHint = (f: ParamField): string => {
  const range = rangeText(f.bound);
  return range ? `${f.hint} ${range}.` : f.hint;
};

/** How a default shows in a field: lists comma-separated. */
export function formatParamValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(", ");
  if (value === undefined || value === null) return "";
  return String(value);
}

const splitList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Text fields to params: empty fields are left out (the server's defaults apply); a value that is
 * not of its field's type is an error for that field.
 */
export function parseParamDraft(fields: readonly ParamField[], draft: Readonly<Record<string, string>>): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const text = (draft[f.name] ?? "").trim();
    if (text === "") continue;
    switch (f.kind) {
      case "int":
      case "number": {
        const n = Number(text);
        if (!Number.isFinite(n)) errors[f.name] = "Enter a number, or leave empty for the default.";
        else if (f.kind === "int" && !Number.isInteger(n)) errors[f.name] = "Enter a whole number.";
        else if (f.bound && boundViolation(f.bound, n)) errors[f.name] = `Enter ${describeBound(f.bound)}.`;
        else params[f.name] = n;
        break;
      }
      case "intList": {
        const list = splitList(text).map(Number);
        if (list.length === 0 || list.some((u) => !Number.isInteger(u))) errors[f.name] = "List whole numbers separated by commas, such as 64, 32.";
        else if (f.bound && boundViolation(f.bound, list)) errors[f.name] = `Enter ${describeBound(f.bound)}.`;
        else params[f.name] = list;
        break;
      }
      case "columnList":
        params[f.name] = text === "-" ? [] : splitList(text);
        break;
      case "boolean":
        params[f.name] = text === "true";
        break;
      default:
        params[f.name] = text;
    }
  }
  return { params, errors };
}
