import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endpoints, runs } from "@/db/schema";
import { findProjectBySampleKey } from "@/lib/define/server/projects";
import { env } from "@/lib/shared/env";
import { createRun } from "@/lib/train/server/runs";
import { registerModel } from "@/lib/train/server/models";
import { createEndpoint } from "./endpoints";

/**
 * The web-shop demo works out of the box: on first start the worker trains the sample
 * recommendation project's model, registers it and deploys it to this endpoint; the shop
 * (`/shop`) calls the endpoint over HTTP with the key kept in the data folder, as an outside
 * application keeps its key in its own configuration.
 */
export const SHOP_ENDPOINT = "web-shop";
const SHOP_SAMPLE_KEY = "web-shop";

interface ShopState {
  /** The run the worker queued for the shop's model. */
  runId?: string;
  /** Set once deployed: the endpoint and the key the shop sends. */
  endpoint?: string;
  key?: string;
  /** Why setting the shop up failed, if it did. */
  error?: string;
}

const statePath = () => path.join(env.dataDir, "shop.json");

export function readShopState(): ShopState {
  try {
    return JSON.parse(fs.readFileSync(statePath(), "utf8")) as ShopState;
  } catch {
    return {};
  }
}

function writeShopState(state: ShopState): void {
  fs.mkdirSync(path.dirname(statePath()), { recursive: true });
  fs.writeFileSync(statePath(), JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
}

/** At worker start: queue the shop model's run once, when the sample project is there and nothing is deployed yet. */
export function queueShopModel(): void {
  const state = readShopState();
  if (state.runId || state.endpoint) return;
  const project = findProjectBySampleKey(SHOP_SAMPLE_KEY);
  if (!project) return;
  if (getDb().select({ n: endpoints.name }).from(endpoints).where(eq(endpoints.name, SHOP_ENDPOINT)).get()) return;
  const run = createRun(project.id, { algorithm: "recommender" });
  writeShopState({ runId: run.id });
  console.log(`[worker] queued ${run.id}: the web-shop demo's recommender`);
}

/** After a run: when it is the shop's and it succeeded, register and deploy it, and keep the key for the shop. */
export async function deployShopModel(runId: string): Promise<void> {
  const state = readShopState();
  if (state.runId !== runId || state.endpoint) return;
  const run = getDb().select({ status: runs.status, error: runs.error }).from(runs).where(eq(runs.id, runId)).get();
  if (!run || run.status !== "succeeded") {
    writeShopState({ ...state, error: `the shop's model did not train: ${run?.error ?? run?.status ?? "run missing"}` });
    return;
  }
  try {
    const model = registerModel({ runId, name: "Web shop recommender" });
    const created = await createEndpoint({ name: SHOP_ENDPOINT, modelId: model.id, mode: "realtime" });
    writeShopState({ runId, endpoint: created.name, key: created.key });
    console.log(`[worker] deployed ${model.name} v${model.version} to the "${SHOP_ENDPOINT}" endpoint for the web shop`);
  } catch (e) {
    writeShopState({ ...state, error: `deploying the shop's model failed: ${(e as Error).message}` });
  }
}
