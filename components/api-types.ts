/**
 * Shapes of the REST answers the browser reads, as type-only imports from the lib modules
 * that own them (erased at compile time, so no server code reaches the browser bundle).
 */
import type { DatasetVersion, Row } from "@/lib/data/types";
import type { RecipePreview as ServerRecipePreview, Recipe } from "@/lib/prepare/server/recipes";
import type { StoredProfile } from "@/lib/prepare/server/profile";
import type { Run as ServerRun } from "@/lib/train/server/runs";

export type { Project } from "@/lib/define/server/projects";
export type { Cell, ColumnInfo, ColumnType, DatasetVersion, Row } from "@/lib/data/types";
export type { RecipeSpec, RecipeStep, SplitSpec } from "@/lib/prepare/recipe-schema";
export type { FeatureColumn } from "@/lib/prepare/recipe";
export type { ColumnProfile } from "@/lib/prepare/profile";
export type { Recipe };

export interface DatasetDetail extends DatasetVersion {
  versions: { id: string; version: number; rowCount: number; createdAt: string }[];
}

export interface RowsPage {
  rows: Row[];
  total: number;
}

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

export interface RunDetails {
  bestEpoch: number;
  stoppedEarly: boolean;
  features: string[];
  rows: { train: number; validation: number; test: number };
  /** Classification only: counts[true][predicted], measured on `on`. */
  confusionMatrix?: { on: "validation" | "test"; labels: string[]; counts: number[][] };
}

/** A training run as the API answers it, with the loosely typed parts of the server shape spelled out. */
export interface Run extends Omit<ServerRun, "history" | "metrics" | "baseline" | "details"> {
  history: RunEpoch[];
  metrics: { validation: MetricValues; test?: MetricValues } | null;
  baseline: { name: string; validation: MetricValues; test?: MetricValues } | null;
  details: RunDetails | null;
}
