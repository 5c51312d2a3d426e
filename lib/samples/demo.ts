import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { endpoints, runs } from "@/db/schema";
import { findProjectBySampleKey } from "@/lib/define/server/projects";
import { createRun } from "@/lib/train/server/runs";
import { registerModel } from "@/lib/train/server/models";
import { demoState, samplesSeeded, untilSeeded } from "./demo-state";
import { createEndpoint } from "../integrate/server/endpoints/endpoints";

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

const state = demoState<ShopState>("shop.json");
export const readShopState = (): ShopState => state.read();
const writeShopState = (s: ShopState) => state.write(s, { secret: true });

/**
 * At worker start: queue the shop model's run once, when the sample project is there and nothing
 * is deployed yet; the web server may still be seeding the samples, so this waits for them.
 */
export function queueShopModel(): void {
  untilSeeded("queueing the web-shop demo's model", () => {
    const current = readShopState();
    if (current.runId || current.endpoint) return "done";
    if (getDb().select({ n: endpoints.name }).from(endpoints).where(eq(endpoints.name, SHOP_ENDPOINT)).get()) return "done";
    const project = findProjectBySampleKey(SHOP_SAMPLE_KEY);
    if (!project) return samplesSeeded() ? "done" : "wait";
    const run = createRun(project.id, { algorithm: "recommender" });
    writeShopState({ runId: run.id });
    console.log(`[worker] queued ${run.id}: the web-shop demo's recommender`);
    return "done";
  });
}

/** After a run: when it is the shop's and it succeeded, register and deploy it, and keep the key for the shop. */
export async function deployShopModel(runId: string): Promise<void> {
  const current = readShopState();
  if (current.runId !== runId || current.endpoint) return;
  const run = getDb().select({ status: runs.status, error: runs.error }).from(runs).where(eq(runs.id, runId)).get();
  if (run?.status !== "succeeded") {
    writeShopState({ ...current, error: `the shop's model did not train: ${run?.error ?? run?.status ?? "run missing"}` });
    return;
  }
  try {
    const model = registerModel({ runId, name: "Web shop recommender" });
    const created = await createEndpoint({ name: SHOP_ENDPOINT, modelId: model.id, mode: "realtime" });
    writeShopState({ runId, endpoint: created.name, key: created.key });
    console.log(`[worker] deployed ${model.name} v${model.version} to the "${SHOP_ENDPOINT}" endpoint for the web shop`);
  } catch (e) {
    writeShopState({ ...current, error: `deploying the shop's model failed: ${(e as Error).message}` });
  }
}
