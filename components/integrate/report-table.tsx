import { formatDay } from "@/components/ui/format";
import type { ActualPoint, ReportPoint } from "@/lib/integrate/report-data";

export interface ReportTableProps {
  /** The forecast rows shown: one series', or the totals. */
  rows: ReportPoint[];
  /** Actuals that arrived for these rows (same series and time); the table grows actual and error columns when any did. */
  actual?: ActualPoint[];
  valueLabel: string;
}

/** A time as a day when it is a date at midnight UTC (weekly data), else as it is. */
export const reportTimeLabel = (t: string) => (/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/.test(t) ? formatDay(t) : t);

/** The forecast rows of the selection, in time order. */
/** A forecast as people read one: whole units from 100 up, two decimals below. */
export function formatForecast(v: number): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 }).format(v);
}

export function ReportTable({ rows, actual = [], valueLabel }: ReportTableProps) {
  if (rows.length === 0) return <p className="px-5 py-6 text-sm text-slate-500">No forecast for this series yet.</p>;
  const actualAt = new Map(actual.map((a) => [`${a.series}|${a.time}`, a]));
  const withActuals = actualAt.size > 0;
  return (
    <div className="max-h-96 overflow-auto">
      <table className="w-full text-sm" data-testid="report-forecast-table">
        <caption className="sr-only">Forecast rows</caption>
        <thead className="sticky top-0 bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th scope="col" className="px-5 py-2 font-medium">
              Time
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Series
            </th>
            <th scope="col" className="px-5 py-2 text-right font-medium">
              {valueLabel} (forecast)
            </th>
            {withActuals && (
              <>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Actual
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Error
                </th>
              </>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={`${r.series}|${r.time}`}>
              <td className="px-5 py-1.5 font-mono text-xs text-slate-700">{reportTimeLabel(r.time)}</td>
              <td className="px-3 py-1.5 text-slate-700">{r.series}</td>
              <td className="px-5 py-1.5 text-right tabular-nums">{formatForecast(r.value)}</td>
              {withActuals && <ActualCells point={actualAt.get(`${r.series}|${r.time}`)} />}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The actual and the forecast's error (forecast − actual, against the forecast it was matched to) of one row. */
function ActualCells({ point }: { point: ActualPoint | undefined }) {
  if (!point) {
    return (
      <>
        <td className="px-3 py-1.5 text-right text-slate-400">—</td>
        <td className="px-5 py-1.5 text-right text-slate-400">—</td>
      </>
    );
  }
  const error = point.predicted - point.value;
  return (
    <>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatForecast(point.value)}</td>
      <td className={`px-5 py-1.5 text-right tabular-nums ${error > 0 ? "text-amber-700" : "text-sky-700"}`}>
        {error > 0 ? "+" : ""}
        {formatForecast(error)}
      </td>
    </>
  );
}
