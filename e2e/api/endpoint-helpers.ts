/**
 * Shared by the endpoint specs: a tiny regression model trained once per worker (a worker
 * fixture), deploying it, and scoring requests with a key.
 */
import { randomBytes } from "node:crypto";
import { test as base, expect, type APIRequestContext, type APIResponse } from "@playwright/test";
import { expectJson, type Row } from "./helpers";
import { linearCsv, projectWithRecipe, type Run } from "./train-helpers";
import { editorHeaders } from "./auth-helpers";

export interface ModelVersion {
  id: string;
  name: string;
  version: number;
}

export interface ModelRef {
  id: string;
  name: string;
  version: number;
}

export interface EndpointBody {
  name: string;
  mode: string;
  url: string;
  model: ModelRef;
  split: { model: ModelRef; percent: number } | null;
  corsOrigins: string[];
  rateLimitPerMinute: number | null;
  maxRows: number;
  keys: { slot: string; prefix: string; createdAt: string }[];
  inputSchema: { name: string; type: string }[];
  task: string;
}

export interface Deployed extends EndpointBody {
  key: string;
  secondaryKey: string;
}

export interface ScoreAnswer<P = number> {
  predictions: P[];
  model: ModelRef;
  requestId: string;
}

export interface V2Answer {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[]; data: (number | string)[]; parameters?: { labels: string[] } }[];
}

/** An endpoint name no other test uses (lower case, digits and dashes). */
export const endpointName = (prefix: string): string => `${prefix}-${randomBytes(4).toString("hex")}`;

/** Three rows of linearCsv's inputs (a, b, colour); the target y is not sent. */
export const ROWS: Row[] = [
  { a: 0.5, b: -1.2, colour: "red" },
  { a: -1.5, b: 0.3, colour: "blue" },
  { a: 1.9, b: 1.1, colour: "red" },
];

/** Trains a run on the server, waits for it, and registers it (once, or as a version of `name`). */
export async function trainRun(request: APIRequestContext, projectId: string, algorithm: string, params: Record<string, unknown>): Promise<Run> {
  const queued = await expectJson<Run>(await request.post(`/api/projects/${projectId}/runs`, { data: { algorithm, params } }), 202);
  // Runs queue behind every other test's in one worker process: allow for the wait.
  let run: Run | undefined;
  await expect
    .poll(
      async () => {
        run = await expectJson<Run>(await request.get(`/api/runs/${queued.id}`), 200);
        return run.status;
      },
      { timeout: 170_000, intervals: [250, 500, 1000] },
    )
    .toMatch(/^(succeeded|failed|cancelled)$/);
  expect(run!.error).toBeNull();
  expect(run!.status).toBe("succeeded");
  return run!;
}

export async function register(request: APIRequestContext, runId: string, name?: string): Promise<ModelVersion> {
  return expectJson<ModelVersion>(await request.post("/api/models", { data: { runId, ...(name ? { name } : {}) } }), 201);
}

export async function deploy(request: APIRequestContext, modelId: string, extra: Record<string, unknown> = {}, prefix = "ep"): Promise<Deployed> {
  return expectJson<Deployed>(await request.post("/api/endpoints", { data: { name: endpointName(prefix), modelId, ...extra } }), 201);
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** POSTs a JSON body (or a Buffer with the given headers) to the endpoint's score path. */
export function score(request: APIRequestContext, name: string, key: string | null, data: unknown, headers: Record<string, string> = {}): Promise<APIResponse> {
  return request.post(`/api/endpoints/${name}/score`, { headers: { ...(key ? bearer(key) : {}), ...headers }, data });
}

export function infer(request: APIRequestContext, name: string, key: string | null, data: unknown): Promise<APIResponse> {
  return request.post(`/v2/models/${name}/infer`, { headers: key ? bearer(key) : {}, data });
}

/** A scoring answer with its request id checked against the x-request-id header. */
export async function expectScored<P = number>(res: APIResponse): Promise<ScoreAnswer<P>> {
  const body = await expectJson<ScoreAnswer<P>>(res, 200);
  expect(body.requestId).toBeTruthy();
  expect(res.headers()["x-request-id"]).toBe(body.requestId);
  return body;
}

/**
 * A regression model (mlp, one small hidden layer, a few epochs) on linearCsv, trained once per
 * worker: `runId` can be registered again for more versions of one name.
 */
export const test = base.extend<object, { regression: { projectId: string; runId: string; model: ModelVersion } }>({
  regression: [
    async ({ playwright }, use, workerInfo) => {
      const request = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL, extraHTTPHeaders: editorHeaders() });
      const project = await projectWithRecipe(request, "regression", linearCsv(200), "y");
      const run = await trainRun(request, project.id, "mlp", { epochs: 5, hiddenUnits: [6] });
      const model = await register(request, run.id);
      await use({ projectId: project.id, runId: run.id, model });
      await request.dispose();
    },
    { scope: "worker", timeout: 180_000 },
  ],
});

export { expect };
