"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { ApiError } from "@/components/api/fetch";
import type { Endpoint, EndpointCreated, ModelVersion } from "@/components/api/types";
import { invalidateProjects } from "@/components/define/queries";
import { useCan } from "@/components/identity/viewer-context";
import { modelListQuery } from "@/components/train/queries";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { Field, fieldA11y } from "@/components/ui/field";
import { formatDate } from "@/components/ui/format";
import { cardClass, checkboxClass, inputClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { TableHead } from "@/components/ui/table-head";
import { SecretKeysPanel } from "./endpoint-secret-keys";
import { rememberEndpointKey } from "./endpoint-session-key";
import { deployEndpoint, endpointListQuery, invalidateEndpoints } from "./queries";

export interface EndpointDeployPanelProps {
  /** The page prefetches the project's `modelListQuery` and `endpointListQuery`. */
  project: { id: string; name: string; delivery: "realtime" | "batch" };
}

/** Longest endpoint name the API takes. */
const NAME_MAX_CHARS = 63;

/** "Orange juice (weekly)" → "orange-juice-weekly": a name the API accepts, unused among `taken`. */
export function suggestEndpointName(projectName: string, taken: ReadonlySet<string>): string {
  const slug =
    projectName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, NAME_MAX_CHARS - 3)
      .replace(/-+$/, "") || "endpoint";
  if (!taken.has(slug)) return slug;
  for (let n = 2; ; n++) if (!taken.has(`${slug}-${n}`)) return `${slug}-${n}`;
}

export const endpointHref = (name: string) => `/endpoints/${encodeURIComponent(name)}`;
export const versionLabel = (m: { name: string; version: number }) => `${m.name} v${m.version}`;

/** The Integrate step: deploy one of the project's model versions, and its endpoints. */
export function EndpointDeployPanel({ project }: EndpointDeployPanelProps) {
  const { data: models } = useSuspenseQuery(modelListQuery({ projectId: project.id }));
  const { data: endpoints, error } = useSuspenseQuery(endpointListQuery({ projectId: project.id }));
  const [created, setCreated] = useState<EndpointCreated | null>(null);
  const canEdit = useCan("editor");
  return (
    <div className={canEdit ? "grid gap-6 lg:grid-cols-[24rem_minmax(0,1fr)]" : ""}>
      {canEdit && (
        <section aria-labelledby="deploy-heading" className={`${cardClass} h-fit p-5`}>
          <h3 id="deploy-heading" className={`${sectionTitleClass} mb-3`}>
            Deploy a model version
          </h3>
          <DeployForm project={project} models={models} endpoints={endpoints} onDeployed={setCreated} />
        </section>
      )}
      <div className="space-y-6">
        {created && (
          <div className="space-y-2">
            <SecretKeysPanel
              keys={[
                { slot: "primary", key: created.key },
                { slot: "secondary", key: created.secondaryKey },
              ]}
              note="The primary key stays in this browser tab for the test console."
              onDismiss={() => setCreated(null)}
            />
            <p className="text-sm text-slate-700">
              <span className="font-mono">{created.url}</span> now serves {versionLabel(created.model)}.{" "}
              <Link href={endpointHref(created.name)} className="font-semibold text-indigo-700 hover:underline">
                Open the endpoint page
              </Link>{" "}
              to test it.
            </p>
          </div>
        )}
        <section aria-labelledby="endpoints-heading">
          <h3 id="endpoints-heading" className={`${sectionTitleClass} mb-3`}>
            Endpoints
          </h3>
          {error ? <ErrorNotice error={error} /> : <EndpointTable endpoints={endpoints} />}
        </section>
      </div>
    </div>
  );
}

interface DeployFormProps {
  project: EndpointDeployPanelProps["project"];
  models: ModelVersion[];
  endpoints: Endpoint[];
  onDeployed: (created: EndpointCreated) => void;
}

function DeployForm({ project, models, endpoints, onDeployed }: DeployFormProps) {
  const qc = useQueryClient();
  const router = useRouter();
  const id = useId();
  // null until the person types or picks: the defaults follow the lists as they load.
  const [typedName, setTypedName] = useState<string | null>(null);
  const [pickedModel, setPickedModel] = useState<string | null>(null);
  const [mode, setMode] = useState(project.delivery);
  const name = typedName ?? suggestEndpointName(project.name, new Set(endpoints.map((e) => e.name)));
  const modelId = pickedModel ?? models[0]?.id ?? "";
  const deploy = useMutation({
    mutationFn: deployEndpoint,
    onSuccess: async (created) => {
      rememberEndpointKey(created.name, created.key);
      setTypedName(null);
      onDeployed(created);
      await Promise.all([invalidateEndpoints(qc), invalidateProjects(qc)]);
      // The step's state is rendered on the server too.
      router.refresh();
    },
  });
  const fieldErrors = deploy.error instanceof ApiError ? deploy.error.fieldErrors : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    deploy.mutate({ name: name.trim(), modelId, mode });
  };
  return (
    <form aria-label="Deploy a model version" onSubmit={submit} noValidate className="space-y-4">
      <Field id={`${id}-name`} label="Endpoint name" hint="Lower-case letters, digits and dashes; it becomes part of the URL." error={fieldErrors.name}>
        <input
          {...fieldA11y(`${id}-name`, fieldErrors.name, true)}
          className={`${inputClass} font-mono`}
          value={name}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setTypedName(e.target.value)}
        />
      </Field>
      <Field id={`${id}-model`} label="Model version" error={fieldErrors.modelId}>
        <select {...fieldA11y(`${id}-model`, fieldErrors.modelId)} className={selectClass} value={modelId} onChange={(e) => setPickedModel(e.target.value)}>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {versionLabel(m)}
              {typeof m.manifest.algorithm === "string" ? ` · ${m.manifest.algorithm}` : ""} · {formatDate(m.createdAt)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Mode</legend>
        <div className="mt-1.5 flex gap-4">
          {(["realtime", "batch"] as const).map((m) => (
            <label key={m} className="inline-flex items-center gap-1.5 text-sm text-slate-700">
              <input type="radio" name={`${id}-mode`} className={checkboxClass} checked={mode === m} onChange={() => setMode(m)} />
              {m === "realtime" ? "Real-time" : "Batch"}
            </label>
          ))}
        </div>
      </fieldset>
      <Button type="submit" disabled={deploy.isPending || !modelId}>
        {deploy.isPending ? "Deploying…" : "Deploy"}
      </Button>
      <ErrorNotice error={deploy.error} shownFields={Object.keys(fieldErrors).filter((f) => f === "name" || f === "modelId")} />
    </form>
  );
}

const ENDPOINT_COLUMNS = ["Name", "Model version", "Traffic split", "Mode", "Created"] as const;

function EndpointTable({ endpoints }: { endpoints: Endpoint[] }) {
  if (endpoints.length === 0) {
    return (
      <p className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-500">
        No endpoint yet: deploy a model version to get one.
      </p>
    );
  }
  return (
    <div className={`${cardClass} overflow-x-auto`}>
      <table className="w-full min-w-[36rem] text-sm">
        <caption className="sr-only">Endpoints of this project</caption>
        <TableHead columns={ENDPOINT_COLUMNS} cellClass="px-4 py-2" className="bg-slate-50" />
        <tbody className="divide-y divide-slate-100">
          {endpoints.map((e) => (
            <tr key={e.name}>
              <th scope="row" className="px-4 py-2.5 text-left">
                <Link href={endpointHref(e.name)} className="font-mono font-semibold text-indigo-700 hover:underline">
                  {e.name}
                </Link>
              </th>
              <td className="px-4 py-2.5">{versionLabel(e.model)}</td>
              <td className="px-4 py-2.5 text-slate-600">{e.split ? `${e.split.percent}% to ${versionLabel(e.split.model)}` : "–"}</td>
              <td className="px-4 py-2.5 text-slate-600">{e.mode === "realtime" ? "Real-time" : "Batch"}</td>
              <td className="px-4 py-2.5 whitespace-nowrap text-slate-600">{formatDate(e.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
