"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import type { Endpoint, ModelVersion } from "@/components/api/types";
import { modelListQuery } from "@/components/train/queries";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { NumberInput } from "@/components/ui/number-input";
import { selectClass } from "@/components/ui/styles";
import { versionLabel } from "./endpoint-deploy-panel";
import { type EndpointPatch, endpointKeys, invalidateEndpoints, patchEndpoint } from "./queries";

export interface EndpointVersionFormsProps {
  endpoint: Endpoint;
}

/** Share of requests a new split starts with. */
const DEFAULT_SPLIT_PERCENT = 10;

/** The versions an endpoint may serve: those of its model's name or of its project, newest first. */
function candidates(models: ModelVersion[], endpoint: Endpoint): ModelVersion[] {
  return models.filter((m) => m.name === endpoint.model.name || (endpoint.projectId !== null && m.projectId === endpoint.projectId));
}

/** One PATCH of the endpoint; on success the page's endpoint and its readiness are read again. */
function usePatchEndpoint(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: EndpointPatch) => patchEndpoint(name, body),
    onSuccess: (updated) => {
      qc.setQueryData(endpointKeys.detail(name), updated);
      return invalidateEndpoints(qc);
    },
  });
}

/** Switch the version that answers, and send a share of the requests to a second one. */
export function EndpointVersionForms({ endpoint }: EndpointVersionFormsProps) {
  const { data: models, error } = useQuery(modelListQuery());
  if (error) return <ErrorNotice error={error} />;
  if (!models) return <p className="text-sm text-slate-500">Loading the model versions…</p>;
  const versions = candidates(models, endpoint);
  return (
    <div className="space-y-5">
      <SwitchVersionForm endpoint={endpoint} versions={versions} />
      <SplitForm endpoint={endpoint} versions={versions} />
    </div>
  );
}

interface VersionFormProps {
  endpoint: Endpoint;
  versions: ModelVersion[];
}

function VersionSelect({
  id,
  value,
  onChange,
  versions,
  error,
  exclude,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  versions: ModelVersion[];
  error?: string;
  exclude?: string;
}) {
  return (
    <select {...fieldA11y(id, error)} className={selectClass} value={value} onChange={(e) => onChange(e.target.value)}>
      {versions
        .filter((m) => m.id !== exclude)
        .map((m) => (
          <option key={m.id} value={m.id}>
            {versionLabel(m)}
          </option>
        ))}
    </select>
  );
}

function SwitchVersionForm({ endpoint, versions }: VersionFormProps) {
  const id = useId();
  const [picked, setPicked] = useState<string | null>(null);
  const patch = usePatchEndpoint(endpoint.name);
  const modelId = picked ?? endpoint.model.id;
  const fieldError = patch.error instanceof ApiError ? patch.error.fieldErrors.modelId : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    patch.mutate({ modelId }, { onSuccess: () => setPicked(null) });
  };
  return (
    <form aria-label="Switch model version" onSubmit={submit} noValidate className="space-y-2">
      <Field
        id={`${id}-model`}
        label="Serve version"
        hint="The new version is loaded first, then swapped in at once: no request fails in between."
        error={fieldError}
      >
        <VersionSelect id={`${id}-model`} value={modelId} onChange={setPicked} versions={versions} error={fieldError} />
      </Field>
      <Button type="submit" variant="secondary" disabled={patch.isPending || modelId === endpoint.model.id}>
        {patch.isPending ? "Switching…" : "Switch version"}
      </Button>
      <ErrorNotice error={patch.error} shownFields={fieldError ? ["modelId"] : []} />
    </form>
  );
}

function SplitForm({ endpoint, versions }: VersionFormProps) {
  const id = useId();
  const others = versions.filter((m) => m.id !== endpoint.model.id);
  const [picked, setPicked] = useState<string | null>(null);
  const [percent, setPercent] = useState<number | undefined>(endpoint.split?.percent ?? DEFAULT_SPLIT_PERCENT);
  const patch = usePatchEndpoint(endpoint.name);
  const modelId = picked ?? endpoint.split?.model.id ?? others[0]?.id ?? "";
  const errors = patch.error instanceof ApiError ? patch.error.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    patch.mutate({ split: { modelId, percent: percent ?? Number.NaN } });
  };
  if (others.length === 0 && !endpoint.split) {
    return <p className="text-sm text-slate-500">Register another version of this model to switch to it or to split traffic between two versions.</p>;
  }
  return (
    <form aria-label="Traffic split" onSubmit={submit} noValidate className="space-y-3 border-t border-slate-100 pt-4">
      <p className="text-sm text-slate-600">
        {endpoint.split
          ? `${versionLabel(endpoint.split.model)} answers ${endpoint.split.percent}% of the requests, ${versionLabel(endpoint.model)} the rest.`
          : "Send a share of the requests to a second version (a canary); every answer names the version that made it."}
      </p>
      <Field id={`${id}-model`} label="Second version" error={errors["split.modelId"]}>
        <VersionSelect
          id={`${id}-model`}
          value={modelId}
          onChange={setPicked}
          versions={versions}
          exclude={endpoint.model.id}
          error={errors["split.modelId"]}
        />
      </Field>
      <Field id={`${id}-percent`} label="Share of requests (%)" error={errors["split.percent"]}>
        <div className="flex items-center gap-3">
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            aria-label="Share of requests slider"
            className="flex-1 accent-indigo-600"
            value={percent ?? 0}
            onChange={(e) => setPercent(Number(e.target.value))}
          />
          <NumberInput {...fieldA11y(`${id}-percent`, errors["split.percent"])} className="w-20" value={percent} onValueChange={setPercent} />
        </div>
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="secondary" disabled={patch.isPending || !modelId}>
          {endpoint.split ? "Update split" : "Start split"}
        </Button>
        {endpoint.split && (
          <Button variant="danger" disabled={patch.isPending} onClick={() => patch.mutate({ split: null })}>
            End split
          </Button>
        )}
      </div>
      <ErrorNotice error={patch.error} shownFields={Object.keys(errors).filter((f) => f.startsWith("split."))} />
    </form>
  );
}
