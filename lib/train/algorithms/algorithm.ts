import type { ColumnBatch } from "@/lib/data/column-batch";
import type { z } from "zod";
import type { ColumnInfo, ColumnType, Row } from "@/lib/data/types";
import type { Task } from "@/lib/define/tasks";
import type { FittedRecipe } from "@/lib/prepare/recipe";
import type { RecipeSpec } from "@/lib/prepare/recipe-schema";
import type { ModelArtifacts } from "../model-files";
import type { ParamBound } from "../param-bounds";
import type { ParamField } from "../param-fields";
import type { RunContext } from "../run-context";
import type { ClassPrediction, EpochLog, Recommendation, TrainCallbacks } from "../types";

/**
 * One algorithm of the "train" step as one object, the same small surface for each (as
 * scikit-learn's estimators): what it is (id, label, the tasks it serves), its params (bounds,
 * schema, defaults, the run form's fields, how a run's params are resolved) and its engine
 * (train, save, load, serve), loaded on first use. The runs API, the forms, sweeps, bundles and
 * serving work on any algorithm through it (registry.ts lists them).
 */
export interface Algorithm<
  Id extends string = string,
  P extends object = Params,
  D extends RunDetailsBase = RunDetailsBase,
  M extends TrainedModel = TrainedModel,
> {
  id: Id;
  label: string;
  /** What it is good for, in one line (the run form shows it). */
  hint: string;
  tasks: readonly Task[];
  /** Every param's allowed values: the schema checks them, the run, sweep and browser forms take their limits from them. */
  bounds: Readonly<Record<string, ParamBound>>;
  /** Params as a run takes them: partial and strict (a typo is refused); each problem is a VALIDATION error on `params.<name>`. */
  schema: z.ZodType<Partial<P>>;
  /** The defaults that do not depend on the data (resolveParams fills in the rest). */
  defaults: Readonly<Partial<P>>;
  /** The run form's fields, in order, each with its bound. */
  fields: readonly ParamField[];
  /** Whether the train page trains it in the browser too (stored as a run of location "browser"). */
  trainsInBrowser: boolean;
  /**
   * The full params of a run: the defaults overlaid with what was asked, every param checked, and
   * what the data decides filled in (a forecaster's time column…). Stored on the run as they are.
   */
  resolveParams(raw: unknown, ctx: RunContext): P;
  /** A run's stored params (resolveParams' answer, as JSON) read back, checked again. */
  readParams(stored: Readonly<Record<string, unknown>>): P;
  /** Gradient steps a run over `rows` rows takes at most, if early stopping never stops it. */
  trainingSteps(params: P, rows: number): number;
  /** How trainingSteps counts, for the message that refuses too much work: "epochs × rows ÷ batchSize". */
  stepsFormula: string;
  /** Whether a bundle's extras.json holds a model of this algorithm (bundles are told apart by it). */
  ownsExtras(extras: Readonly<Record<string, unknown>>): boolean;
  /** The part that needs tfjs, imported when first asked for, so what only describes an algorithm stays light. */
  engine(): Promise<AlgorithmEngine<P, D, M>>;
}

/** Params as JSON: what a run stores. */
export type Params = Record<string, unknown>;

/** Anything trained: a model holds tensors or buffers until disposed. */
export interface TrainedModel {
  dispose(): void;
}

export interface AlgorithmEngine<P, D, M extends TrainedModel> {
  /** Prepares the data with the recipe (its own way), trains, and scores the model and its baselines. */
  train(input: TrainInput<P>): Promise<TrainedRun<M, D>>;
  /** The model as the bundle's three files: model.json, weights.bin, extras.json. */
  save(model: M): Promise<ModelArtifacts>;
  /** The model back from its three files: it predicts as the saved one did. */
  load(files: ModelArtifacts): Promise<M>;
  /** The model compiled for serving requests, with the fitted recipe it was trained with. */
  predictor(model: M, fitted: FittedRecipe): Promise<ServingPredictor>;
}

export interface TrainInput<P> {
  task: Task;
  params: P;
  spec: Pick<RecipeSpec, "target" | "features" | "steps" | "split">;
  /** The rows; `batch`, when given, the same data as columns (tabular models build their matrices from it, and `rows` is made only if read). */
  data: { rows: Row[]; columns: ColumnInfo[]; batch?: ColumnBatch };
  callbacks: TrainCallbacks;
}

/** Metric name → value (r2, rmse, accuracy, wape, hitRate, …). */
export type MetricValues = Record<string, number>;
/** A run's metrics, on the validation rows and (when the split has them) the test rows. */
export type RunMetrics = { validation: MetricValues; test?: MetricValues };
/** The naive baseline a run is measured against, and the other baselines its algorithm reports. */
export type RunBaseline = { name: string; validation: MetricValues; test?: MetricValues; others?: { name: string; validation: MetricValues }[] };

/** What every algorithm's run details say; each algorithm adds its own. */
export type RunDetailsBase = {
  /** The epoch whose weights the model holds. */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** How the metrics were measured, in a sentence, when it is not the recipe's split. */
  evaluation?: string;
  /** Recipe steps the algorithm does not apply (it builds its own features). */
  skippedSteps?: string[];
  /** The version had more rows than the run's sample size: it trained on a seeded sample of `rows` of its `of` rows. */
  sample?: { rows: number; of: number; seed: number };
};

/** What training hands back: the model, the recipe as fitted, and what the run records. */
export interface TrainedRun<M, D> {
  model: M;
  fitted: FittedRecipe;
  history: EpochLog[];
  metrics: RunMetrics;
  baseline: RunBaseline;
  details: D;
  /** Raw training inputs and the model's predictions, kept with the model for monitoring to compare with. */
  reference: { inputs: Row[]; predictions: unknown[] };
}

export type Prediction = number | ClassPrediction | Recommendation[];

/**
 * How requests to a model look, and so how serving reads them: "tabular" rows bring the recipe's
 * input columns; "forecaster" rows a series and a future period; "recommender" rows an item.
 */
export type ServingKind = "tabular" | "forecaster" | "recommender";

/**
 * A model compiled for serving: loaded from its bundle once, kept in memory. A request only
 * validates, transforms (the fitted recipe, in serve mode) and runs the forward pass.
 */
export interface ServingPredictor {
  kind: ServingKind;
  /** The columns a request row must bring, with their types (the recipe's inputs the model reads). */
  inputSchema: { name: string; type: ColumnType }[];
  /** Classification: the class labels, in the order of the probabilities. */
  labels?: string[];
  /** Forecasting: the target column, and the next periods of every series from history rows (batch forecast mode). */
  target?: string;
  forecastAhead?(rows: Row[]): Row[];
  /**
   * One prediction per row; throws VALIDATION naming `${field}[i].column` for a value the model
   * cannot use (`field` is where the request holds its rows: "rows", "instances", …; default "rows").
   */
  predict(rows: Row[], opts?: { k?: number; field?: string }): Prediction[];
  /**
   * A tabular model whose recipe works one number column at a time (see `columnTransforms`) and
   * whose inputs are all number, integer or boolean columns: the batch path builds the feature
   * matrix from columns of numbers rather than from row objects, then calls `predictMatrix`.
   */
  columnar?: {
    /** Per feature (the matrix's columns, in order): the input column it comes from and the recipe's steps on it (NaN: missing). */
    features: { input: string; transform: (value: number) => number }[];
    /** One prediction per row of an n × features matrix of finite numbers. */
    predictMatrix(x: Float32Array, n: number): Prediction[];
  };
  /**
   * Batch scoring from columns (any recipe): the inputs as a column batch typed by the input
   * schema, the recipe applied per column (applyRecipeColumns), one forward pass over the rows
   * whose features are all usable. `usable[i]` is 0 for a row with a feature that is not a finite
   * number: its prediction is null and the caller scores it the row way for its error.
   */
  scoreColumns?(batch: ColumnBatch): { predictions: (Prediction | null)[]; usable: Uint8Array };
  dispose(): void;
}

/** An algorithm as written in its folder: the form's fields without their bounds (defineAlgorithm adds them). */
export type AlgorithmDefinition<Id extends string, P extends object, D extends RunDetailsBase, M extends TrainedModel> = Omit<
  Algorithm<Id, P, D, M>,
  "fields"
> & {
  fields: readonly Omit<ParamField, "bound">[];
};

/** An algorithm with each field's bound attached; a field without a bound is a mistake in the definition. */
export function defineAlgorithm<const Id extends string, P extends object, D extends RunDetailsBase, M extends TrainedModel>(
  definition: AlgorithmDefinition<Id, P, D, M>,
): Algorithm<Id, P, D, M> {
  const fields = definition.fields.map((f) => {
    const bound = definition.bounds[f.name];
    if (!bound) throw new Error(`${definition.id}: the field "${f.name}" has no bound`);
    return { ...f, bound };
  });
  return { ...definition, fields };
}
