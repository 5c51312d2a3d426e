import { expect, test } from "@playwright/test";
import { adminHeaders } from "./auth-helpers";
import { expectJson, expectProblem } from "./helpers";
import { linearCsv, projectWithRecipe, waitForRun, type Run } from "./train-helpers";

/** Issue 13: bounded params, capped sweeps and capped queues (429 with Retry-After). */

interface Quotas {
  maxQueuedRunsPerUser: number;
  maxQueuedRunsPerProject: number;
  maxSweepTrials: number;
  maxQueuedJobsPerUser: number;
}

test("issue 13's run (8 × 1,024 hidden units, batch size 1, 1,000 epochs) is refused naming each param beyond its bound", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(60), "y");
  const res = await request.post(`/api/projects/${project.id}/runs`, {
    data: { algorithm: "mlp", params: { hiddenUnits: Array(8).fill(1024), batchSize: 1, epochs: 1000 } },
  });
  const problem = await expectProblem(res, 422, "params.hiddenUnits");
  const fields = (problem.errors ?? []).map((e) => e.field);
  expect(fields).toContain("params.batchSize");
  // 1,000 epochs is within the bound: only the params beyond theirs are named.
  expect(fields).not.toContain("params.epochs");
  expect(problem.errors!.find((e) => e.field === "params.hiddenUnits")!.message).toMatch(/1 to 4 whole numbers, each from 1 to 512/);
  const list = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
  expect(list.items).toEqual([]);
});

test("a sweep beyond the trial cap, or with a value beyond its bound, is refused naming the field; nothing is queued", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(60), "y");
  const post = (data: unknown) => request.post(`/api/projects/${project.id}/sweeps`, { data });
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  const grid = await expectProblem(await post({ algorithm: "mlp", space: { epochs: values, seed: values, earlyStoppingPatience: values } }), 422, "space");
  expect(grid.detail).toMatch(/8000 combinations; at most \d+/);
  const random = await expectProblem(await post({ algorithm: "mlp", method: "random", trials: 1000, space: { epochs: values } }), 422, "trials");
  expect(random.errors![0].message).toMatch(/^at most \d+$/);
  await expectProblem(await post({ algorithm: "mlp", space: { batchSize: [1, 64] } }), 422, "space.batchSize");
  const runs = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
  expect(runs.items).toEqual([]);
});

test("past a person's cap on queued runs a run is refused with a 429 and Retry-After; an administrator's higher cap lets one more through", async ({
  request,
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000);
  // A person of their own, so the cap is theirs alone and the other tests' runs neither count nor wait.
  const invite = await expectJson<{ token: string }>(await request.post("/api/invites", { headers: adminHeaders(), data: { role: "editor" } }), 201);
  const session = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });
  const email = `quota-${Date.now().toString(36)}@people.test`;
  await expectJson(await session.post("/api/invites/accept", { data: { token: invite.token, email, name: "Quota", password: "a-long-enough-password" } }), 201);
  const { token } = await expectJson<{ token: string }>(await session.post("/api/tokens", { data: { name: "quota" } }), 201);
  await session.dispose();
  const them = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const project = await projectWithRecipe(them, "regression", linearCsv(2000), "y");
  const runsUrl = `/api/projects/${project.id}/runs`;
  // Long enough (250,000 steps) to stay queued or running while the cap is tested; cancelled at the end.
  const long = { algorithm: "mlp", params: { epochs: 1000, earlyStoppingPatience: 0, batchSize: 8 } };
  const { quotas } = await expectJson<{ quotas: Quotas }>(await request.get("/api/settings", { headers: adminHeaders() }), 200);
  const cap = Math.min(quotas.maxQueuedRunsPerUser, quotas.maxQueuedRunsPerProject);
  const queued: Run[] = [];
  try {
    for (let i = 0; i < cap; i++) queued.push(await expectJson<Run>(await them.post(runsUrl, { data: long }), 202));
    const refused = await them.post(runsUrl, { data: long });
    const problem = await expectProblem(refused, 429, "quota");
    expect(problem.detail).toMatch(new RegExp(`at most ${cap}`));
    expect(Number(refused.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
    const list = await expectJson<{ items: Run[] }>(await them.get(runsUrl), 200);
    expect(list.items.map((r) => r.id).sort()).toEqual(queued.map((r) => r.id).sort());
    // An administrator raises the caps (a higher cap holds nobody else back), and one more goes through.
    const raise =
      quotas.maxQueuedRunsPerUser <= quotas.maxQueuedRunsPerProject
        ? { maxQueuedRunsPerUser: quotas.maxQueuedRunsPerUser + 1 }
        : { maxQueuedRunsPerProject: quotas.maxQueuedRunsPerProject + 1 };
    try {
      await expectJson(await request.put("/api/settings", { headers: adminHeaders(), data: { quotas: raise } }), 200);
      queued.push(await expectJson<Run>(await them.post(runsUrl, { data: long }), 202));
    } finally {
      await request.put("/api/settings", {
        headers: adminHeaders(),
        data: { quotas: { maxQueuedRunsPerUser: quotas.maxQueuedRunsPerUser, maxQueuedRunsPerProject: quotas.maxQueuedRunsPerProject } },
      });
    }
    await expectProblem(await them.post(runsUrl, { data: long }), 429, "quota");
  } finally {
    for (const run of queued) await them.post(`/api/runs/${run.id}/cancel`);
    for (const run of queued) await waitForRun(them, run.id, ["cancelled", "failed", "succeeded"]);
    await them.dispose();
  }
});
