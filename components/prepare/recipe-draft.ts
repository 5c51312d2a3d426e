import type { ColumnInfo, Project, RecipeSpec, RecipeStep, SplitSpec } from "@/components/api/types";
import { withoutUndefined } from "@/lib/shared/objects";

/** A step with a stable key, so React keeps each card's typed text while steps move. */
export interface KeyedStep {
  key: number;
  step: RecipeStep;
}

/** What the builder edits; features are kept as the columns left out, so a new target never leaves a stale list. */
export interface RecipeDraft {
  target: string;
  excluded: string[];
  steps: KeyedStep[];
  split: SplitSpec;
}

export const DEFAULT_VALIDATION_SHARE = 0.2;
export const DEFAULT_TEST_SHARE = 0.1;
export const DEFAULT_SEED = 42;

type Columns = Pick<ColumnInfo, "name" | "type">[];

export function draftFromSpec(spec: RecipeSpec, columns: Columns, nextKey: () => number): RecipeDraft {
  const features = spec.features;
  return {
    target: spec.target,
    excluded: features ? columns.map((c) => c.name).filter((n) => n !== spec.target && !features.includes(n)) : [],
    steps: spec.steps.map((step) => ({ key: nextKey(), step })),
    split: spec.split,
  };
}

/** A first draft: the project's target, every other column a feature, and a split that suits the task. */
export function defaultDraft(project: Project, columns: Columns): RecipeDraft {
  const target = project.target && columns.some((c) => c.name === project.target) ? project.target : "";
  const time = columns.find((c) => c.type === "datetime");
  const split: SplitSpec =
    project.task === "forecasting" && time
      ? { method: "time", validation: DEFAULT_VALIDATION_SHARE, test: DEFAULT_TEST_SHARE, timeColumn: time.name }
      : { method: "random", validation: DEFAULT_VALIDATION_SHARE, test: DEFAULT_TEST_SHARE, seed: DEFAULT_SEED };
  return { target, excluded: [], steps: [], split };
}

export function specFromDraft(draft: RecipeDraft, datasetId: string, columns: Columns): RecipeSpec {
  const { method, validation, test, seed, timeColumn } = draft.split;
  return {
    datasetId,
    target: draft.target,
    features: columns.map((c) => c.name).filter((n) => n !== draft.target && !draft.excluded.includes(n)),
    steps: draft.steps.map((s) => s.step),
    split: method === "time" ? { method, validation, test, timeColumn } : { method, validation, test, seed },
  };
}

/** JSON with sorted keys and no undefined fields: two equal recipes give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(withoutUndefined(v)).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
