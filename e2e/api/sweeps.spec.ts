import { expect, test } from "@playwright/test";
import { expectJson, expectProblem } from "./helpers";
import { linearCsv, projectWithRecipe, type Run } from "./train-helpers";

interface Sweep {
  id: string;
  method: string;
  metric: string;
  status: string;
  best: string | null;
  trials: Run[];
}

test("a grid sweep queues every combination, runs them in order and marks the best", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(200), "y");
  const created = await expectJson<Sweep>(
    await request.post(`/api/projects/${project.id}/sweeps`, {
      data: { algorithm: "linear", method: "grid", space: { learningRate: [0.001, 0.05], l2: [0, 0.1] }, params: { epochs: 20 } },
    }),
    202,
  );
  expect(created.trials).toHaveLength(4);
  expect(created.metric).toBe("r2");
  expect(created.trials.map((t) => [t.params.learningRate, t.params.l2])).toEqual([
    [0.001, 0],
    [0.001, 0.1],
    [0.05, 0],
    [0.05, 0.1],
  ]);
  expect(created.trials.every((t) => t.params.epochs === 20)).toBe(true);

  let sweep = created;
  await expect
    .poll(async () => (sweep = await expectJson<Sweep>(await request.get(`/api/sweeps/${created.id}`), 200)).status, {
      timeout: 120_000,
      intervals: [500, 1000],
    })
    .toBe("done");
  expect(sweep.trials.every((t) => t.status === "succeeded")).toBe(true);
  const r2 = (t: Run) => t.metrics!.validation.r2;
  const best = sweep.trials.reduce((a, b) => (r2(b) > r2(a) ? b : a));
  expect(sweep.best).toBe(best.id);
  const list = await expectJson<{ items: Sweep[] }>(await request.get(`/api/projects/${project.id}/sweeps`), 200);
  expect(list.items.map((s) => s.id)).toContain(created.id);
});

test("a random sweep draws the asked number of seeded trials", async ({ request }) => {
  const project = await projectWithRecipe(request, "regression", linearCsv(60), "y");
  const body = {
    algorithm: "mlp",
    method: "random",
    trials: 3,
    seed: 9,
    space: { hiddenUnits: [[4], [8], [16]], dropout: [0, 0.1, 0.2] },
    params: { epochs: 2 },
  };
  const a = await expectJson<Sweep>(await request.post(`/api/projects/${project.id}/sweeps`, { data: body }), 202);
  const b = await expectJson<Sweep>(await request.post(`/api/projects/${project.id}/sweeps`, { data: body }), 202);
  expect(a.trials).toHaveLength(3);
  expect(a.trials.map((t) => t.params)).toEqual(b.trials.map((t) => t.params));
  expect(new Set(a.trials.map((t) => JSON.stringify([t.params.hiddenUnits, t.params.dropout]))).size).toBe(3);
});

test.describe("bad sweeps: a problem naming the field, no run queued", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["an empty space", { algorithm: "linear", space: {} }, "space"],
    ["a param value out of range", { algorithm: "linear", space: { learningRate: [0.01, 7] } }, "space.learningRate"],
    ["an unknown param", { algorithm: "linear", space: { speed: [1] } }, "space.speed"],
    ["too many grid combinations", { algorithm: "mlp", space: { epochs: [1, 2, 3, 4, 5, 6, 7, 8], l2: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7] } }, "space"],
    ["an unknown method", { algorithm: "linear", method: "bayes", space: { l2: [0] } }, "method"],
  ];
  for (const [what, body, field] of cases) {
    test(what, async ({ request }) => {
      const project = await projectWithRecipe(request, "regression", linearCsv(40), "y");
      await expectProblem(await request.post(`/api/projects/${project.id}/sweeps`, { data: body }), 422, field);
      const runs = await expectJson<{ items: Run[] }>(await request.get(`/api/projects/${project.id}/runs`), 200);
      expect(runs.items).toEqual([]);
    });
  }

  test("unknown sweep → 404", async ({ request }) => {
    await expectProblem(await request.get("/api/sweeps/swp_nope"), 404);
  });
});
