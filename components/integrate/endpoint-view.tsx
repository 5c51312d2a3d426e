"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { useCan } from "@/components/identity/viewer-context";
import { CopyButton } from "@/components/ui/copy-button";
import { formatDate } from "@/components/ui/format";
import { cardClass, sectionTitleClass } from "@/components/ui/styles";
import { EndpointConsole } from "./endpoint-console";
import { versionLabel } from "./endpoint-deploy-panel";
import { EndpointJobs } from "./endpoint-jobs";
import { EndpointKeysTable } from "./endpoint-keys-table";
import { recallEndpointKey } from "./endpoint-session-key";
import { EndpointTrafficPanel } from "./endpoint-traffic";
import { EndpointVersionForms } from "./endpoint-version-forms";
import { endpointQuery, endpointReadyQuery } from "./queries";

export interface EndpointViewProps {
  /** The page prefetches `endpointQuery(name)`. */
  name: string;
}

const noSubscribe = () => () => {};

/** The page's origin in the browser; "" while rendering on the server. */
export function useOrigin(): string {
  return useSyncExternalStore(
    noSubscribe,
    () => window.location.origin,
    () => "",
  );
}

/** One endpoint: its status and version, keys, a test console with snippets, and its live traffic. */
export function EndpointView({ name }: EndpointViewProps) {
  const { data: endpoint } = useSuspenseQuery(endpointQuery(name));
  const origin = useOrigin();
  const canEdit = useCan("editor");
  // The primary key this tab was shown (deploy or rotation), if any: read after hydration.
  const [sessionKey, setSessionKey] = useState<string | null>(null);
  useEffect(() => setSessionKey(recallEndpointKey(endpoint.name)), [endpoint.name]);
  const url = origin + endpoint.url;
  return (
    <div className="space-y-6">
      <section aria-label="Overview" className={`${cardClass} p-5`}>
        <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div>
            <dt className="text-xs font-medium text-slate-500">Status</dt>
            <dd className="mt-1">
              <EndpointStatus name={endpoint.name} />
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-slate-500">Model version</dt>
            <dd className="mt-1 font-semibold">{versionLabel(endpoint.model)}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-slate-500">Traffic split</dt>
            <dd className="mt-1">{endpoint.split ? `${endpoint.split.percent}% to ${versionLabel(endpoint.split.model)}` : "None: one version answers all"}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-slate-500">Mode · task</dt>
            <dd className="mt-1">
              {endpoint.mode === "realtime" ? "Real-time" : "Batch"} · {endpoint.task || "–"}
            </dd>
          </div>
          <div className="sm:col-span-2 lg:col-span-3">
            <dt className="text-xs font-medium text-slate-500">Scoring URL</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-2">
              <code className="rounded bg-slate-100 px-2 py-1 text-xs break-all">POST {url}</code>
              <CopyButton text={url} label="Copy scoring URL" />
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-slate-500">Created · updated</dt>
            <dd className="mt-1 text-slate-600">
              {formatDate(endpoint.createdAt)} · {formatDate(endpoint.updatedAt)}
            </dd>
          </div>
        </dl>
      </section>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <section aria-labelledby="console-heading" className={`${cardClass} min-w-0 p-5`}>
          <h2 id="console-heading" className={`${sectionTitleClass} mb-1`}>
            Test console
          </h2>
          <p className="mb-4 text-sm text-slate-600">
            Send a request as a client would, with one of the endpoint&apos;s keys; the snippets below send the same body.
          </p>
          <EndpointConsole endpoint={endpoint} url={url} sessionKey={sessionKey} />
        </section>
        <div className="space-y-6">
          {canEdit && (
            <section aria-labelledby="version-heading" className={`${cardClass} p-5`}>
              <h2 id="version-heading" className={`${sectionTitleClass} mb-3`}>
                Version and traffic split
              </h2>
              <EndpointVersionForms endpoint={endpoint} />
            </section>
          )}
          <section aria-labelledby="keys-heading" className={`${cardClass} p-5`}>
            <h2 id="keys-heading" className={`${sectionTitleClass} mb-1`}>
              Keys
            </h2>
            <p className="mb-3 text-sm text-slate-600">
              Two keys, so clients can move to one while the other is rotated{canEdit ? "" : " (by an editor)"}. Only their first characters are kept in the
              clear.
            </p>
            <EndpointKeysTable endpoint={endpoint} onPrimaryRotated={setSessionKey} />
          </section>
        </div>
      </div>

      <EndpointJobs endpoint={endpoint} sessionKey={sessionKey} />

      <section aria-labelledby="traffic-heading" className={`${cardClass} p-5`}>
        <h2 id="traffic-heading" className={`${sectionTitleClass} mb-3`}>
          Live traffic
        </h2>
        <EndpointTrafficPanel name={endpoint.name} />
      </section>
    </div>
  );
}

/** Ready once the model version is compiled and in memory; asking compiles it when it is not. */
function EndpointStatus({ name }: { name: string }) {
  const { data: ready, isPending, error } = useQuery(endpointReadyQuery(name));
  if (isPending) return <StatusPill tone="pending" label="Compiling…" />;
  if (error || !ready) return <StatusPill tone="down" label="Not ready" title={error instanceof Error ? error.message : undefined} />;
  return <StatusPill tone="ready" label="Ready" />;
}

const PILL = {
  ready: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  pending: "bg-slate-50 text-slate-600 ring-slate-400/30",
  down: "bg-red-50 text-red-700 ring-red-600/20",
} as const;

function StatusPill({ tone, label, title }: { tone: keyof typeof PILL; label: string; title?: string }) {
  return (
    <span
      role="status"
      title={title}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${PILL[tone]}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${tone === "ready" ? "bg-emerald-500" : tone === "down" ? "bg-red-500" : "bg-slate-400"}`} />
      {label}
    </span>
  );
}
