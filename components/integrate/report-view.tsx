"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { useCan } from "@/components/identity/viewer-context";
import { Button } from "@/components/ui/button";
import { ErrorNotice } from "@/components/ui/error-notice";
import { formatDate, formatStat } from "@/components/ui/format";
import { cardClass, sectionTitleClass, selectClass } from "@/components/ui/styles";
import { actualsOf, forecastError, pointsOf, reportCsv, TOTAL } from "@/lib/integrate/report-data";
import { reportDataQuery, reportQuery } from "./queries";
import { ReportChart } from "./report-chart";
import { ReportRefresh } from "./report-refresh";
import { ReportTable } from "./report-table";

export interface ReportViewProps {
  /** The page prefetches `reportQuery(id)`. */
  id: string;
}

/** A file name from free text: "Orange juice weekly forecast" → "orange-juice-weekly-forecast". */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "report";

const BLOB_KEEP_MS = 60_000;
/** How much history the chart shows before the forecast, in periods (weeks for weekly data); 0 is all of it. */
const HISTORY_WINDOWS = [
  { periods: 26, label: "Last 26 periods" },
  { periods: 52, label: "Last 52 periods" },
  { periods: 0, label: "All history" },
] as const;
const DEFAULT_WINDOW = 52;

/** Saves text as a file in the browser. */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: the browser reads the blob after the click has returned.
  setTimeout(() => URL.revokeObjectURL(url), BLOB_KEEP_MS);
}

/** A report: history and forecast of a chosen series (or the total) as a chart and a table, exported as CSV, refreshed on demand. */
export function ReportView({ id }: ReportViewProps) {
  const seriesId = useId();
  // Refreshing re-runs the batch job, and the job's output file is an editor's download.
  const canEdit = useCan("editor");
  const { data: report } = useSuspenseQuery(reportQuery(id));
  // "Refresh now" invalidates the report's keys, the data's with them, once its job has finished.
  const { data, error: loadError, isPending } = useQuery(reportDataQuery(id));
  const [series, setSeries] = useState<string | null>(null);
  const [historyWindow, setHistoryWindow] = useState<number>(DEFAULT_WINDOW);
  const windowId = useId();

  const selected = series ?? data?.series[0] ?? TOTAL;
  const shown = useMemo(() => {
    const history = data ? pointsOf(data.history, selected) : [];
    return {
      history: historyWindow > 0 ? history.slice(-historyWindow) : history,
      forecast: data ? pointsOf(data.forecast, selected) : [],
      actual: data ? actualsOf(data.actual, selected) : [],
    };
  }, [data, selected, historyWindow]);
  const error = useMemo(() => forecastError(shown.actual), [shown.actual]);
  const overallError = useMemo(() => (data ? forecastError(data.actual) : null), [data]);
  const schedule = report.schedules.find((s) => s.enabled && s.nextRunAt);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm text-slate-500">Report</p>
          <h1 className="text-2xl font-semibold tracking-tight">{report.name}</h1>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            {report.valueColumn} from the newest version of “{report.historyDataset}”, beside the newest batch output of the “{report.endpoint}” endpoint, per{" "}
            {report.seriesColumns.length ? report.seriesColumns.join(" · ") : "series"}.
          </p>
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-500">Last refreshed</dt>
            <dd data-testid="report-refreshed-at" data-refreshed-at={report.refreshedAt ?? ""}>
              {report.refreshedAt ? formatDate(report.refreshedAt) : "never: no batch job has succeeded on the endpoint yet"}
              {report.job && (
                <span className="text-slate-500">
                  {" "}
                  · {report.job.source}
                  {report.job.outputUrl && canEdit && (
                    <>
                      {" "}
                      ·{" "}
                      <a href={report.job.outputUrl} className="font-medium text-indigo-700 hover:underline">
                        output CSV
                      </a>
                    </>
                  )}
                </span>
              )}
            </dd>
            <dt className="text-slate-500">Next scheduled run</dt>
            <dd>{schedule ? `${formatDate(schedule.nextRunAt!)} (${schedule.cron}, ${schedule.timezone})` : "not scheduled"}</dd>
          </dl>
        </div>
        {canEdit && <ReportRefresh reportId={id} />}
      </div>

      <ErrorNotice error={loadError} />
      <section className={`${cardClass} p-5`} aria-labelledby="report-chart-heading">
        <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
          <h2 id="report-chart-heading" className={sectionTitleClass}>
            {selected === TOTAL ? `Total over ${data?.series.length ?? 0} series` : selected}
          </h2>
          <div className="flex items-end gap-2">
            <div>
              <label htmlFor={seriesId} className="block text-xs font-medium text-slate-600">
                Series
              </label>
              <select id={seriesId} className={`${selectClass} w-56`} value={selected} onChange={(e) => setSeries(e.target.value)} disabled={!data}>
                {data?.series.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
                <option value={TOTAL}>{TOTAL}</option>
              </select>
            </div>
            <div>
              <label htmlFor={windowId} className="block text-xs font-medium text-slate-600">
                History shown
              </label>
              <select id={windowId} className={`${selectClass} w-44`} value={historyWindow} onChange={(e) => setHistoryWindow(Number(e.target.value))}>
                {HISTORY_WINDOWS.map((w) => (
                  <option key={w.periods} value={w.periods}>
                    {w.label}
                  </option>
                ))}
              </select>
            </div>
            <Button
              variant="secondary"
              disabled={!data}
              onClick={() => download(`${slug(report.name)}-${slug(selected)}.csv`, reportCsv(shown.history, shown.forecast, shown.actual))}
            >
              Export CSV
            </Button>
          </div>
        </div>
        {isPending ? (
          <div role="status" aria-busy="true" aria-label="Loading the report" className="h-[340px] animate-pulse rounded-lg bg-slate-100" />
        ) : (
          <ReportChart history={shown.history} forecast={shown.forecast} actual={shown.actual} valueLabel={report.valueColumn} seriesLabel={selected} />
        )}
      </section>

      {data && (
        <section className={`${cardClass} p-5`} aria-labelledby="report-error-heading" data-testid="report-forecast-error">
          <h2 id="report-error-heading" className={sectionTitleClass}>
            Forecast error
          </h2>
          {error ? (
            <>
              <dl className="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-4">
                {[
                  ["WAPE", error.wape === null ? "n/a" : `${(error.wape * 100).toFixed(1)} %`, "Σ|actual − forecast| / Σ actual"],
                  ["MAE", formatStat(error.mae), `mean absolute error, in ${report.valueColumn}`],
                  ["Bias", error.bias === null ? "n/a" : `${error.bias >= 0 ? "+" : ""}${(error.bias * 100).toFixed(1)} %`, "positive: forecast above actual"],
                  ["Periods with actuals", String(error.periods), selected === TOTAL ? "summed over the series that have them" : selected],
                ].map(([label, value, hint]) => (
                  <div key={label}>
                    <dt className="text-xs font-medium text-slate-500">{label}</dt>
                    <dd className="text-xl font-semibold tabular-nums" data-testid={`report-error-${label.split(" ")[0].toLowerCase()}`}>
                      {value}
                    </dd>
                    <dd className="text-xs text-slate-500">{hint}</dd>
                  </div>
                ))}
              </dl>
              {overallError && selected !== TOTAL && (
                <p className="mt-3 text-xs text-slate-500">
                  Over every series: WAPE {overallError.wape === null ? "n/a" : `${(overallError.wape * 100).toFixed(1)} %`} on {overallError.periods} forecast
                  points with actuals.
                </p>
              )}
            </>
          ) : (
            <p className="mt-2 text-sm text-slate-600">
              {overallError
                ? `No actual has arrived for this series yet (${overallError.periods} forecast points of other series have one).`
                : "No actual has arrived yet. Post the real values (for example a week's sales as CSV) to the endpoint's actuals, and the error of the forecast appears here and on the chart."}{" "}
              <code className="text-xs">POST /api/endpoints/{report.endpoint}/actuals</code>
            </p>
          )}
        </section>
      )}

      <section className={`${cardClass} overflow-hidden`} aria-labelledby="report-table-heading">
        <h2 id="report-table-heading" className={`${sectionTitleClass} border-b border-slate-100 px-5 py-3`}>
          Forecast{selected === TOTAL ? " (total)" : ""}
        </h2>
        <ReportTable rows={shown.forecast} actual={shown.actual} valueLabel={report.valueColumn} />
      </section>
    </div>
  );
}
