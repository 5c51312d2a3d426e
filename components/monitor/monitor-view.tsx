"use client";

import { type ReactNode, useState } from "react";
import type { Endpoint } from "@/components/api/types";
import { useCan } from "@/components/identity/viewer-context";
import { cardClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { MonitorAlerts } from "./monitor-alerts";
import { MonitorDrift } from "./monitor-drift";
import { MonitorPerformance } from "./monitor-performance";
import { MonitorQuality } from "./monitor-quality";
import { MonitorRetrain } from "./monitor-retrain";
import { MonitorTraffic } from "./monitor-traffic";
import { MONITOR_REFRESH_MS, MONITOR_WINDOWS, type MonitorWindowName } from "./queries";

export interface MonitorViewProps {
  endpoints: Pick<Endpoint, "name" | "mode" | "model">[];
}

const WINDOW_LABELS: Record<MonitorWindowName, string> = { hour: "Last hour", day: "Last day", week: "Last week" };

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = `monitor-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={`${cardClass} p-5`}>
      <h3 id={id} className={`${sectionTitleClass} mb-3`}>
        {title}
      </h3>
      {children}
    </section>
  );
}

/** One endpoint at a time (chosen when there are several) over a chosen window: traffic, drift, data quality. */
export function MonitorView({ endpoints }: MonitorViewProps) {
  const [name, setName] = useState(endpoints[0]?.name ?? "");
  const [window, setWindow] = useState<MonitorWindowName>("day");
  const canEdit = useCan("editor");
  const endpoint = endpoints.find((e) => e.name === name) ?? endpoints[0];
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end gap-4">
        {endpoints.length > 1 ? (
          <label className="block text-sm">
            <span className="mb-1 block text-xs font-medium text-slate-600">Endpoint</span>
            <select className={selectClass} value={endpoint.name} onChange={(e) => setName(e.target.value)}>
              {endpoints.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name} ({e.mode}, {e.model.name} v{e.model.version})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <p className="text-sm">
            Endpoint <span className="font-mono font-medium">{endpoint.name}</span>{" "}
            <span className="text-slate-500">
              ({endpoint.mode}, {endpoint.model.name} v{endpoint.model.version})
            </span>
          </p>
        )}
        <div role="group" aria-label="Window" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-sm">
          {(Object.keys(MONITOR_WINDOWS) as MonitorWindowName[]).map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={w === window}
              onClick={() => setWindow(w)}
              className={`px-3 py-1.5 ${w === window ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"}`}
            >
              {WINDOW_LABELS[w]}
            </button>
          ))}
        </div>
        <p className="text-xs text-slate-500">Refreshed every {MONITOR_REFRESH_MS / 1000} s. Times in UTC.</p>
      </div>
      <Panel title="Traffic">
        <MonitorTraffic name={endpoint.name} window={window} />
      </Panel>
      <Panel title="Drift">
        <MonitorDrift name={endpoint.name} window={window} />
      </Panel>
      <Panel title="Data quality">
        <MonitorQuality name={endpoint.name} window={window} />
      </Panel>
      <Panel title="Performance">
        <MonitorPerformance key={endpoint.name} name={endpoint.name} />
      </Panel>
      {canEdit && (
        <Panel title="Back to training">
          <MonitorRetrain key={endpoint.name} name={endpoint.name} model={endpoint.model} />
        </Panel>
      )}
      <Panel title="Alerts">
        {/* A viewer sees the alerts, the rules and their deliveries; the controls are the editors'. */}
        <MonitorAlerts key={endpoint.name} name={endpoint.name} />
      </Panel>
    </div>
  );
}
