"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, sendJson } from "@/components/api/fetch";
import type { DatasetDetail, Project, Recipe, RecipePreview, RecipeStep } from "@/components/api/types";
import { invalidateProjects } from "@/components/define/queries";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { cardClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { useDebouncedValue } from "@/components/ui/use-debounced-value";
import { ColumnChecklist } from "./column-checklist";
import { recipePreviewQuery, recipeQuery } from "./queries";
import { columnsBeforeStep, errorsUnder } from "./recipe-columns";
import { canonicalJson, defaultDraft, draftFromSpec, type RecipeDraft, specFromDraft } from "./recipe-draft";
import { defaultStep, OP_LABELS, RECIPE_OPS, type RecipeOp } from "./recipe-ops";
import { RecipePreviewPanel } from "./recipe-preview-panel";
import { RecipeStepCard } from "./recipe-step-card";
import { RecipeVersions } from "./recipe-versions";
import { SplitFields } from "./split-fields";

export interface RecipeBuilderProps {
  /** The page prefetches the project's `recipeQuery` and `recipeVersionsQuery`. */
  project: Project;
  dataset: DatasetDetail;
}

/** Recipe edits wait this long for a pause before the preview is asked for. */
const PREVIEW_DEBOUNCE_MS = 400;

/** Step 3's recipe: target, features, ordered steps and split, with a live preview and versions. */
export function RecipeBuilder({ project, dataset }: RecipeBuilderProps) {
  const qc = useQueryClient();
  const { data: saved } = useSuspenseQuery(recipeQuery(project.id));
  // The recipe the page opened with: the draft starts from it, and the note below is about it.
  const [initialRecipe] = useState(saved);
  const canEdit = useCan("editor");
  const columns = dataset.columns;
  const keyCounter = useRef(0);
  const nextKey = () => ++keyCounter.current;
  const [draft, setDraft] = useState<RecipeDraft>(() => (initialRecipe ? draftFromSpec(initialRecipe.spec, columns, nextKey) : defaultDraft(project, columns)));
  const [newOp, setNewOp] = useState<RecipeOp>("impute");

  const spec = useMemo(() => specFromDraft(draft, dataset.id, columns), [draft, dataset.id, columns]);
  const debounced = useDebouncedValue(spec, PREVIEW_DEBOUNCE_MS);
  const preview = useQuery({ ...recipePreviewQuery(project.id, debounced), enabled: !!debounced.target, placeholderData: keepPreviousData });
  const [lastGood, setLastGood] = useState<RecipePreview | undefined>(undefined);
  useEffect(() => {
    if (preview.data && !preview.isPlaceholderData) setLastGood(preview.data);
  }, [preview.data, preview.isPlaceholderData]);

  const save = useMutation({
    mutationFn: () => sendJson<Recipe>("PUT", `/api/projects/${encodeURIComponent(project.id)}/recipe`, spec),
    onSuccess: () => invalidateProjects(qc),
  });
  const dirty = !saved || canonicalJson(saved.spec) !== canonicalJson(spec);

  // Save's objections win; otherwise the preview's, which are about the recipe as it was 400 ms ago.
  const problem = [save.error, preview.error].find((e): e is ApiError => e instanceof ApiError && (e.problem.errors?.length ?? 0) > 0);
  const problemErrors = problem?.problem.errors ?? [];
  const topErrors = Object.fromEntries(problemErrors.filter((e) => !e.field.startsWith("steps.")).map((e) => [e.field.split(".")[0], e.message]));
  const splitErrors = Object.fromEntries(errorsUnder(problemErrors, "split").map((e) => [e.field, e.message]));

  const update = (patch: Partial<RecipeDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setStep = (i: number, step: RecipeStep) => setDraft((d) => ({ ...d, steps: d.steps.map((s, j) => (j === i ? { ...s, step } : s)) }));
  const moveStep = (i: number, delta: -1 | 1) =>
    setDraft((d) => {
      const steps = [...d.steps];
      [steps[i], steps[i + delta]] = [steps[i + delta], steps[i]];
      return { ...d, steps };
    });
  const removeStep = (i: number) => setDraft((d) => ({ ...d, steps: d.steps.filter((_, j) => j !== i) }));
  const addStep = () =>
    setDraft((d) => ({
      ...d,
      steps: [
        ...d.steps,
        {
          key: nextKey(),
          step: defaultStep(newOp, { firstColumn: columns[0]?.name ?? "", timeColumn: columns.find((c) => c.type === "datetime")?.name ?? "" }),
        },
      ],
    }));

  const features = spec.features ?? [];
  const steps = spec.steps;
  const timeColumns = columns.filter((c) => ["datetime", "number", "integer"].includes(c.type));
  const previewColumns = lastGood?.columns ?? [];
  const stale = !!preview.error && !!lastGood;

  return (
    <div className="grid items-start gap-6 xl:grid-cols-[30rem_minmax(0,1fr)]">
      <div className="space-y-5">
        {initialRecipe && initialRecipe.datasetId !== dataset.id && (
          <Notice tone="warning">
            The saved recipe was built on another dataset version. It is loaded here against {dataset.name} v{dataset.version}; saving makes it the recipe of
            this version.
          </Notice>
        )}

        <section aria-labelledby="recipe-target-heading" className={`${cardClass} space-y-4 p-4`}>
          <h3 id="recipe-target-heading" className={sectionTitleClass}>
            Target and features
          </h3>
          <Field
            id="recipe-target"
            label="Target"
            error={topErrors.target}
            hint={
              project.target && draft.target && draft.target !== project.target
                ? `The project's target is "${project.target}".`
                : "The column the model predicts."
            }
          >
            <select
              id="recipe-target"
              className={selectClass}
              value={draft.target}
              onChange={(e) => update({ target: e.target.value })}
              aria-invalid={topErrors.target ? true : undefined}
            >
              <option value="">Choose a column…</option>
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} — {c.type}
                </option>
              ))}
            </select>
          </Field>
          <ColumnChecklist
            legend={`Features (${features.length} of ${columns.length - (draft.target ? 1 : 0)})`}
            options={columns.filter((c) => c.name !== draft.target)}
            selected={features}
            onChange={(sel) => update({ excluded: columns.map((c) => c.name).filter((n) => n !== draft.target && !sel.includes(n)) })}
            error={topErrors.features}
          />
          {topErrors.features && <p className="text-xs font-medium text-red-600">{topErrors.features}</p>}
        </section>

        <section aria-labelledby="recipe-steps-heading" className={`${cardClass} space-y-3 p-4`}>
          <h3 id="recipe-steps-heading" className={sectionTitleClass}>
            Steps <span className="text-sm font-normal text-slate-500">applied in order, fitted on the training rows</span>
          </h3>
          {draft.steps.length === 0 ? (
            <p className="rounded-md border border-dashed border-slate-300 px-3 py-4 text-center text-sm text-slate-500">
              No steps: the features go in as they are.
            </p>
          ) : (
            <ol className="space-y-3" aria-label="Recipe steps">
              {draft.steps.map((s, i) => {
                const available = columnsBeforeStep(columns, draft.target, features, steps, i, previewColumns);
                const readable = [...available, ...columns.filter((c) => !available.some((a) => a.name === c.name))];
                return (
                  <RecipeStepCard
                    key={s.key}
                    stepKey={s.key}
                    index={i}
                    count={draft.steps.length}
                    step={s.step}
                    available={available}
                    readable={readable}
                    target={draft.target}
                    errors={errorsUnder(problemErrors, `steps.${i}`)}
                    onChange={(step) => setStep(i, step)}
                    onMove={(delta) => moveStep(i, delta)}
                    onRemove={() => removeStep(i)}
                  />
                );
              })}
            </ol>
          )}
          <div className="flex items-end gap-2 border-t border-slate-100 pt-3">
            <Field id="recipe-new-op" label="New step" className="flex-1">
              <select id="recipe-new-op" className={selectClass} value={newOp} onChange={(e) => setNewOp(e.target.value as RecipeOp)}>
                {RECIPE_OPS.map((op) => (
                  <option key={op} value={op}>
                    {OP_LABELS[op]}
                  </option>
                ))}
              </select>
            </Field>
            <Button variant="secondary" onClick={addStep}>
              Add step
            </Button>
          </div>
        </section>

        <section aria-labelledby="recipe-split-heading" className={`${cardClass} space-y-3 p-4`}>
          <h3 id="recipe-split-heading" className={sectionTitleClass}>
            Split
          </h3>
          <SplitFields split={draft.split} onChange={(split) => update({ split })} timeColumns={timeColumns} errors={splitErrors} />
        </section>

        <div className={`${cardClass} space-y-3 p-4`}>
          <div className="flex flex-wrap items-center gap-3">
            {canEdit && (
              <Button onClick={() => save.mutate()} disabled={save.isPending || !draft.target || !dirty}>
                {save.isPending ? "Saving…" : "Save recipe"}
              </Button>
            )}
            <p className="text-sm text-slate-600" aria-live="polite">
              {save.isSuccess && !dirty ? (
                <span className="font-medium text-emerald-700">✓ Saved as version {save.data.version}</span>
              ) : dirty ? (
                saved ? (
                  `Unsaved changes (latest saved: version ${saved.version})`
                ) : (
                  "Not saved yet"
                )
              ) : (
                `Matches saved version ${saved?.version}`
              )}
            </p>
          </div>
          {save.error && <ErrorNotice error={save.error} shownFields={problemErrors.map((e) => e.field)} />}
          <div>
            <h3 className="mb-1 text-sm font-semibold">Versions</h3>
            <RecipeVersions projectId={project.id} onLoad={(r) => setDraft(draftFromSpec(r.spec, columns, nextKey))} />
          </div>
        </div>
      </div>

      <section aria-labelledby="recipe-preview-heading" className={`${cardClass} min-w-0 p-4 xl:sticky xl:top-20`}>
        <div className="mb-3 flex items-center justify-between gap-3">
          <h3 id="recipe-preview-heading" className={sectionTitleClass}>
            Preview
          </h3>
          <span className="text-xs text-slate-500" aria-live="polite">
            {preview.isFetching ? "Updating…" : ""}
          </span>
        </div>
        {preview.error && <ErrorNotice className="mb-4" error={preview.error} shownFields={problemErrors.map((e) => e.field)} />}
        {stale && <p className="mb-3 text-xs text-slate-500">Showing the last recipe that worked; fix the marked problems to update it.</p>}
        <RecipePreviewPanel
          preview={lastGood}
          updating={preview.isFetching}
          stale={stale}
          emptyText={draft.target ? undefined : "Choose a target to see what the recipe makes of the data."}
        />
      </section>
    </div>
  );
}
