/**
 * Shapes of the REST answers the browser reads, as type-only imports from the lib modules
 * that own them (erased at compile time, so no server code reaches the browser bundle).
 */
import type { getRows } from "@/lib/data/server/datasets";
import type { DatasetVersion } from "@/lib/data/types";
import type { Endpoint, EndpointKeyInfo } from "@/lib/integrate/server/endpoints/endpoints";
import type { Traffic } from "@/lib/monitor/server/traffic";
import type { StoredProfile } from "@/lib/prepare/server/profile";
import type { Recipe, RecipePreview as ServerRecipePreview } from "@/lib/prepare/server/recipes";
import type { BacktestForecast } from "@/lib/train/algorithms/forecaster/backtest";
import type { ModelVersion } from "@/lib/train/server/models";
import type { Run as ServerRun } from "@/lib/train/server/runs";
import type { Sweep as ServerSweep } from "@/lib/train/server/sweeps";

export type { Cell, ColumnInfo, ColumnType, DatasetVersion, Row } from "@/lib/data/types";
export type { ColumnProfile } from "@/lib/prepare/profile";
export type { FeatureColumn } from "@/lib/prepare/recipe";
export type { RecipeSpec, RecipeStep, SplitSpec } from "@/lib/prepare/recipe-schema";
export type { Project } from "@/lib/steps/state";
export type { Recipe };

export interface DatasetDetail extends DatasetVersion {
  versions: { id: string; version: number; rowCount: number; createdAt: string }[];
}

/** A page of rows: `total` rows in the version, `matched` of them passing the filters (when filtered), each row's number in the version. */
export type RowsPage = Awaited<ReturnType<typeof getRows>>;

/** The preview as the browser uses it (the fitted recipe it also carries is not shown). */
export type RecipePreview = Omit<ServerRecipePreview, "fitted">;

export type DatasetProfile = StoredProfile;

// ---------------------------------------------------------------------------------------------
// Train: runs

export type RunStatus = ServerRun["status"];

/** Metric name → value (r2, rmse, accuracy, …). */
export type MetricValues = Record<string, number>;

/** One point of a run's learning curve. */
export interface RunEpoch {
  epoch: number;
  loss: number;
  valLoss?: number;
  metrics?: MetricValues;
}

/** One row of a forecaster's backtest window. */
export type { BacktestForecast };

export interface RunDetails {
  bestEpoch: number;
  stoppedEarly: boolean;
  /** How the metrics were measured, in a sentence (forecaster: backtest; recommender: leave-one-item-out). */
  evaluation?: string;
  /** Tabular models and the forecaster: the features read. */
  features?: string[];
  rows?: { train: number; validation?: number; test?: number; backtest?: number };
  /** Classification only: counts[true][predicted], measured on `on`. */
  confusionMatrix?: { on: "validation" | "test"; labels: string[]; counts: number[][] };
  /** Forecasting: the series trained on, the error per horizon step, and the backtest rows of the first series. */
  series?: number;
  perHorizon?: { step: number; mape: number; wape: number; rows: number }[];
  backtestForecasts?: BacktestForecast[];
  /** Recommendation: k, the held-out queries, the catalog, and the single-item (product page) queries. */
  k?: number;
  queries?: number;
  heldOutBaskets?: number;
  items?: number;
  singleItem?: { model: MetricValues; popularity: MetricValues; cooccurrence: MetricValues };
  /** Recipe steps a forecaster or recommender does not apply (it builds its own features). */
  skippedSteps?: string[];
  /** The version had more rows than the run's sample size: a seeded sample of `rows` of its `of` rows. */
  sample?: { rows: number; of: number; seed: number };
}

/** A training run as the API answers it, with the loosely typed parts of the server shape spelled out. */
export interface Run extends Omit<ServerRun, "history" | "metrics" | "baseline" | "details"> {
  history: RunEpoch[];
  metrics: { validation: MetricValues; test?: MetricValues } | null;
  baseline: { name: string; validation: MetricValues; test?: MetricValues; others?: { name: string; validation: MetricValues }[] } | null;
  details: RunDetails | null;
}

// ---------------------------------------------------------------------------------------------
// Train: sweeps and the model registry

/** A sweep as the API answers it: its trials are runs, in trial order. */
export interface Sweep extends Omit<ServerSweep, "trials"> {
  trials: Run[];
}

export type { ModelVersion };

// ---------------------------------------------------------------------------------------------
// Integrate: endpoints

export type { Endpoint, EndpointKeyInfo };
export type EndpointKeySlot = EndpointKeyInfo["slot"];

/** The answer to a deploy: the endpoint with its absolute URL and both keys, shown this once. */
export interface EndpointCreated extends Endpoint {
  key: string;
  secondaryKey: string;
}

/** A rotated slot with its new key, shown this once. */
export interface RotatedKey extends EndpointKeyInfo {
  key: string;
}

/** Requests, errors and latency of an endpoint over a window, with a series per bucket. */
export type EndpointTraffic = Traffic;

// ---------------------------------------------------------------------------------------------
// Integrate: schedules and reports

export type { ReportPoint } from "@/lib/integrate/report-data";
export type { Report, ReportData } from "@/lib/integrate/server/reports/reports";
export type { Schedule, ScheduleDetail } from "@/lib/integrate/server/schedules/schedules";

// ---------------------------------------------------------------------------------------------
// Monitor: drift and data quality of an endpoint's window

export type { DriftThresholds, FeatureDrift, FeatureQuality, HistogramBin } from "@/lib/monitor/drift";
export type { MonitorWindow } from "@/lib/monitor/server/window-drift";

/** `GET /api/endpoints/{name}/drift`: features drifted first, the predictions, and the verdict on the whole input. */
export interface EndpointDrift {
  window: import("@/lib/monitor/server/window-drift").MonitorWindow;
  thresholds: import("@/lib/monitor/drift").DriftThresholds;
  features: import("@/lib/monitor/drift").FeatureDrift[];
  prediction: import("@/lib/monitor/drift").FeatureDrift | null;
  driftedFeatures: number;
  datasetDrifted: boolean;
  note?: string;
}

/** `GET /api/endpoints/{name}/quality`: null, type-error and out-of-range rates per input column. */
export interface EndpointQuality {
  /** rejectedRows: rows refused in the window (422 requests, batch rows with an error), counted in every rate. */
  window: import("@/lib/monitor/server/window-drift").MonitorWindow & { rejectedRows: number };
  features: import("@/lib/monitor/drift").FeatureQuality[];
}
