export interface CorrelationHeatmapProps {
  columns: string[];
  matrix: (number | null)[][];
}

/** Indigo for positive, red for negative, stronger colour for a stronger correlation. */
function cellStyle(r: number | null) {
  if (r === null) return { background: "#f8fafc", color: "#94a3b8" };
  const alpha = Math.min(1, Math.abs(r));
  const rgb = r >= 0 ? "79,70,229" : "220,38,38";
  return { background: `rgba(${rgb},${alpha * 0.85})`, color: alpha > 0.5 ? "white" : "#0f172a" };
}

/** Two decimals, without the "-0.00" that rounding a tiny negative gives. */
const twoDecimals = (r: number) => (Math.abs(r) < 0.005 ? 0 : r).toFixed(2);

/** Pearson correlations of the numeric columns, as a grid of coloured cells with their values. */
export function CorrelationHeatmap({ columns, matrix }: CorrelationHeatmapProps) {
  return (
    <div className="overflow-x-auto">
      <table className="border-separate border-spacing-0.5 text-xs">
        <caption className="sr-only">Correlation between numeric columns (Pearson r)</caption>
        <thead>
          <tr>
            <td />
            {columns.map((c) => (
              <th key={c} scope="col" className="h-28 max-w-10 px-1 pb-1 align-bottom font-medium text-slate-600">
                <span className="inline-block max-h-28 overflow-hidden text-ellipsis whitespace-pre [writing-mode:vertical-rl] rotate-180" title={c}>
                  {c}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {columns.map((row, i) => (
            <tr key={row}>
              <th scope="row" className="max-w-48 truncate pr-2 text-right font-medium whitespace-pre text-slate-600" title={row}>
                {row}
              </th>
              {columns.map((col, j) => {
                const r = matrix[i]?.[j] ?? null;
                return (
                  <td
                    key={col}
                    title={`${row} × ${col}: ${r === null ? "n/a" : r.toFixed(3)}`}
                    style={cellStyle(r)}
                    className="size-10 min-w-10 rounded text-center tabular-nums"
                  >
                    {r === null ? "–" : twoDecimals(r)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-3 flex items-center gap-2 text-[11px] text-slate-500" aria-hidden>
        <span>−1</span>
        <span className="h-2 w-40 rounded-full" style={{ background: "linear-gradient(to right, rgba(220,38,38,.85), #f8fafc, rgba(79,70,229,.85))" }} />
        <span>+1</span>
      </div>
    </div>
  );
}
