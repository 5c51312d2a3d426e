import { boundViolation, describeBound, rangeText, type ParamBound } from "./param-bounds";

/**
 * The params a person can set, as form fields (browser-safe): each algorithm lists its own (its
 * `fields`). The run form and the sweep form draw them; the server checks the values again
 * (params schemas), so this only turns text into the right JSON types and catches typing slips
 * and values beyond the param's bound (the algorithm's, as the server's) early.
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
  /** The allowed values, as the server checks them (the algorithm's bounds). */
  bound?: ParamBound;
}

/** The fields of params that say how a model is fitted, which most algorithms share. */
const TRAINING = {
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
} as const satisfies Record<string, ParamField>;

/** The shared training fields, in the order given. */
export const trainingFields = (...names: (keyof typeof TRAINING)[]): ParamField[] => names.map((n) => TRAINING[n]);

export const HIDDEN_UNITS_FIELD: ParamField = {
  name: "hiddenUnits",
  label: "Hidden units",
  hint: "Units per hidden layer, comma-separated.",
  kind: "intList",
  group: "model",
};

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
export function parseParamDraft(
  fields: readonly ParamField[],
  draft: Readonly<Record<string, string>>,
): { params: Record<string, unknown>; errors: Record<string, string> } {
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
