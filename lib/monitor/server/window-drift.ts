import { WINDOW_READ_MODULE } from "./read-modules";
import path from "node:path";
import type { ColumnType } from "@/lib/data/types";
import { getEndpoint } from "@/lib/integrate/server/endpoints/endpoints";
import { readLogWindow } from "@/lib/monitor/server/log-window";
import { ITEM_ID_COLUMN } from "@/lib/integrate/server/serving/predictors";
import { readOffThread, type ReadFn } from "@/lib/shared/server/read-pool";
import { getModel, modelDir } from "@/lib/train/server/models";
import { DEFAULT_DRIFT_THRESHOLDS } from "../drift";
import { readDrift, readQuality, windowSignature, type WindowSpec } from "./window-read";

export type { MonitorWindow } from "./window-read";

/** The window monitoring looks at unless asked otherwise. */
const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The endpoint's window and what it is compared against: looked up here (one row each), the rows read on a reader thread. */
export function windowSpec(name: string, opts: { since?: Date; until?: Date }): WindowSpec {
  const endpoint = getEndpoint(name);
  const until = opts.until ?? new Date();
  const since = opts.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  const model = getModel(endpoint.model.id);
  const recommender = model.manifest.task === "recommendation";
  return {
    name,
    sinceMs: since.getTime(),
    untilMs: until.getTime(),
    model: endpoint.model,
    columns: recommender ? [{ name: ITEM_ID_COLUMN, type: "category" as ColumnType }] : (endpoint.inputSchema as { name: string; type: ColumnType }[]),
    recommender,
    itemColumn: String((model.manifest.hyperparameters as { itemColumn?: string } | undefined)?.itemColumn ?? ITEM_ID_COLUMN),
    itemIdColumn: ITEM_ID_COLUMN,
    referenceFile: path.join(modelDir(model.id), "reference.json"),
    thresholds: { ...DEFAULT_DRIFT_THRESHOLDS, ...(endpoint.driftThresholds ?? {}) },
  };
}

/** A drift or quality read of the window, off the event loop and cached while its rows and the endpoint's settings are unchanged. */
async function readWindow<T extends { window: { since: string; until: string } }>(
  fn: "readDrift" | "readQuality",
  local: ReadFn<[WindowSpec], T>,
  spec: WindowSpec,
): Promise<T> {
  const { sinceMs, untilMs, ...settings } = spec;
  const window = { name: spec.name, sinceMs, untilMs };
  const value = await readLogWindow({
    key: `${fn}:${JSON.stringify(settings)}`,
    window,
    signature: (db) => windowSignature(db, window),
    compute: () => readOffThread({ module: WINDOW_READ_MODULE, fn, local, args: [spec] }),
  });
  return { ...value, window: { ...value.window, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString() } };
}

/** `GET /api/endpoints/{name}/drift`: per input feature and for the predictions, against the reference sample. */
export async function endpointDrift(name: string, opts: { since?: Date; until?: Date } = {}) {
  return readWindow("readDrift", readDrift, windowSpec(name, opts));
}

/**
 * `GET /api/endpoints/{name}/quality`: null, type-error and out-of-range rates per input column,
 * over every row that reached the endpoint in the window: scored ones and refused ones (a row
 * refused for a text where a number belongs is exactly what the type-error rate is for).
 */
export async function endpointQuality(name: string, opts: { since?: Date; until?: Date } = {}) {
  return readWindow("readQuality", readQuality, windowSpec(name, opts));
}

/** The worst feature's share of bad cells (null, wrong type or out of range) in the window: what a data-quality alert watches. */
export async function worstQuality(name: string, opts: { since?: Date; until?: Date } = {}): Promise<{ feature: string | null; rate: number; rows: number }> {
  const q = await endpointQuality(name, opts);
  let worst: { feature: string | null; rate: number } = { feature: null, rate: 0 };
  for (const f of q.features) {
    const rate = f.nullRate + f.typeErrorRate + f.outOfRangeRate;
    if (rate > worst.rate) worst = { feature: f.name, rate };
  }
  return { ...worst, rows: q.features[0]?.rows ?? 0 };
}
