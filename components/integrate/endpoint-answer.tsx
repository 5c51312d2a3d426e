import type { Problem } from "@/components/api/fetch";
import { formatStat } from "@/components/ui/format";

/** What the console keeps of one answer. */
export interface ConsoleAnswer {
  status: number;
  /** From sending to the last byte read, measured in the browser. */
  latencyMs: number;
  headers: { modelVersion: string | null; requestId: string | null };
  json?: unknown;
  problem?: Problem;
}

/** The first prediction in a few words: a number, a class label, or the items recommended. */
export function describePrediction(prediction: unknown): string {
  if (typeof prediction === "number") return formatStat(prediction);
  if (Array.isArray(prediction)) {
    const ids = prediction.map((p) => (p && typeof p === "object" && "itemId" in p ? String((p as { itemId: unknown }).itemId) : JSON.stringify(p)));
    return ids.length === 0 ? "no items" : ids.join(", ");
  }
  if (prediction && typeof prediction === "object" && "label" in prediction) return String((prediction as { label: unknown }).label);
  return JSON.stringify(prediction);
}

function firstPrediction(json: unknown): { found: boolean; value?: unknown } {
  const predictions = json && typeof json === "object" ? (json as { predictions?: unknown }).predictions : undefined;
  return Array.isArray(predictions) && predictions.length > 0 ? { found: true, value: predictions[0] } : { found: false };
}

/** Status, browser-measured latency, the version and request id headers, and the body or the problem's field errors. */
export function EndpointAnswer({ answer }: { answer: ConsoleAnswer }) {
  const ok = answer.status < 400;
  const first = ok ? firstPrediction(answer.json) : { found: false };
  return (
    <section aria-label="Answer" className={`rounded-lg border p-4 ${ok ? "border-emerald-200 bg-emerald-50/40" : "border-red-200 bg-red-50/40"}`}>
      <div className="flex flex-wrap items-baseline gap-x-6 gap-y-2 text-sm">
        <p>
          <span className="text-slate-500">Status </span>
          <span className={`font-semibold tabular-nums ${ok ? "text-emerald-700" : "text-red-700"}`}>{answer.status}</span>
          {answer.problem && <span className="text-red-700"> {answer.problem.title}</span>}
        </p>
        <p>
          <span className="text-slate-500">Latency </span>
          <span className="font-semibold tabular-nums">{formatStat(Math.round(answer.latencyMs))} ms</span>
          <span className="text-xs text-slate-500"> (in this browser)</span>
        </p>
      </div>
      <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs">
        <dt className="font-mono text-slate-500">x-model-version</dt>
        <dd className="font-mono">{answer.headers.modelVersion ?? "–"}</dd>
        <dt className="font-mono text-slate-500">x-request-id</dt>
        <dd className="font-mono break-all">{answer.headers.requestId ?? "–"}</dd>
      </dl>
      {first.found && (
        <p className="mt-3 text-sm">
          <span className="text-slate-500">First prediction: </span>
          <span className="font-semibold">{describePrediction(first.value)}</span>
        </p>
      )}
      {answer.problem && (
        <div className="mt-3 text-sm text-red-800">
          {/* With field errors, the detail only repeats the first of them. */}
          {answer.problem.detail && !answer.problem.errors?.length && <p>{answer.problem.detail}</p>}
          {answer.problem.errors && answer.problem.errors.length > 0 && (
            <ul aria-label="Field errors" className="mt-1 list-disc space-y-0.5 pl-5">
              {answer.problem.errors.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one answer's errors, shown as sent and never reordered
                <li key={i}>
                  <span className="font-mono text-xs">{e.field}</span>: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {answer.json !== undefined && (
        <pre aria-label="Answer body" className="mt-3 max-h-80 overflow-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">
          {JSON.stringify(answer.json, null, 2)}
        </pre>
      )}
    </section>
  );
}
