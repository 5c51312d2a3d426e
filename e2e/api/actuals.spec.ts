/** Ground truth: actuals posted by request id or by batch keys (JSON or CSV), joined to the predictions, and the performance they give. */
import type { APIRequestContext } from "@playwright/test";
import { expectJson, expectProblem, raw } from "./helpers";
import { bearer, deploy, expect, expectScored, ROWS, score, test } from "./endpoint-helpers";

interface Performance {
  metric: string;
  threshold: number | null;
  higherIsBetter: boolean;
  overall: Record<string, number | null> & { rows: number };
  series: ({ start: string; rows: number } & Record<string, number | null>)[];
  meetsThreshold: boolean | null;
}

interface Posted {
  matched: number;
  unmatched: { index: number; reason: string }[];
}

const postActuals = (request: APIRequestContext, name: string, data: unknown, headers: Record<string, string> = {}) =>
  request.post(`/api/endpoints/${name}/actuals`, { data, headers });

const performance = async (request: APIRequestContext, name: string, query = "") =>
  expectJson<Performance>(await request.get(`/api/endpoints/${name}/performance${query}`), 200);

test("real-time actuals by request id join the logged predictions; performance shows the project's metric", async ({ request, regression }) => {
  await expectJson(await request.patch(`/api/projects/${regression.projectId}`, { data: { successMetric: "mae", successThreshold: 2 } }), 200);
  const ep = await deploy(request, regression.model.id, {}, "actuals");
  const scored = await expectScored(await score(request, ep.name, ep.key, { rows: ROWS }));
  const before = await performance(request, ep.name);
  expect(before).toMatchObject({ metric: "mae", threshold: 2, higherIsBetter: false, meetsThreshold: null, series: [] });
  expect(before.overall.rows).toBe(0);

  // Each actual is its prediction + 1 or − 1: MAE 1, RMSE 1.
  const items = scored.predictions.map((p, row) => ({ requestId: scored.requestId, row, actual: p + (row % 2 ? -1 : 1) }));
  items[0] = { requestId: scored.requestId, actual: scored.predictions[0] + 1 } as (typeof items)[number]; // row defaults to 0
  const posted = await expectJson<Posted>(
    await postActuals(request, ep.name, { items: [...items, { requestId: "req_unknown", actual: 1 }, { requestId: scored.requestId, row: 7, actual: 1 }] }),
    200,
  );
  expect(posted.matched).toBe(3);
  expect(posted.unmatched.map((u) => u.index)).toEqual([3, 4]);
  expect(posted.unmatched[0].reason).toContain("requestId");

  const perf = await performance(request, ep.name, "?bucket=week");
  expect(perf.overall.rows).toBe(3);
  expect(perf.overall.mae).toBeCloseTo(1, 5);
  expect(perf.overall.rmse).toBeCloseTo(1, 5);
  expect(Object.keys(perf.overall).sort()).toEqual(["mae", "mape", "r2", "rmse", "rows"]);
  expect(perf.meetsThreshold).toBe(true);
  expect(perf.series).toHaveLength(1);
  expect(perf.series[0].rows).toBe(3);

  // The same actuals again replace, not add; a window before the predictions is empty.
  expect((await expectJson<Posted>(await postActuals(request, ep.name, { items }), 200)).matched).toBe(3);
  expect((await performance(request, ep.name)).overall.rows).toBe(3);
  expect((await performance(request, ep.name, "?until=2000-01-01T00:00:00Z")).overall.rows).toBe(0);
});

test("batch actuals by keys join the newest job output, as JSON and as a CSV upload", async ({ request, regression }) => {
  test.setTimeout(120_000);
  const ep = await deploy(request, regression.model.id, { mode: "batch" }, "actuals-batch");
  const input =
    ["id,day,a,b,colour", "1,2024-01-01,0.5,-1.2,red", "2,2024-01-02,-1.5,0.3,blue", "3,2024-01-03,1.9,1.1,red", "4,2024-01-04,0.1,0.2,blue"].join("\n") + "\n";
  const queued = await expectJson<{ id: string }>(
    await request.post(`/api/endpoints/${ep.name}/jobs`, { headers: { ...bearer(ep.key), "content-type": "text/csv" }, data: raw(input) }),
    202,
  );
  await expect
    .poll(async () => (await expectJson<{ status: string }>(await request.get(`/api/jobs/${queued.id}`), 200)).status, {
      timeout: 90_000,
      intervals: [250, 500, 1000],
    })
    .toBe("succeeded");
  const csv = await (await request.get(`/api/jobs/${queued.id}/output.csv`)).text();
  const header = csv.split("\n")[0].split(",");
  const predictions = csv
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => Number(l.split(",")[header.indexOf("prediction")]));
  expect(predictions).toHaveLength(4);

  // A datetime key matches in another form of the same instant; a number key as a string.
  const json = await expectJson<Posted>(
    await postActuals(request, ep.name, {
      items: [
        { keys: { id: 1, day: "2024-01-01T00:00:00Z" }, actual: predictions[0] + 2 },
        { keys: { id: "2", day: "2024-01-02" }, actual: predictions[1] - 2 },
        { keys: { id: "9", day: "2024-01-02" }, actual: 1 },
        { keys: { store: "2" }, actual: 1 },
      ],
    }),
    200,
  );
  expect(json.matched).toBe(2);
  expect(json.unmatched.map((u) => u.index)).toEqual([2, 3]);
  expect(json.unmatched[1].reason).toContain('"store"');

  const upload = await expectJson<Posted>(
    await postActuals(request, ep.name, raw(`id,day,actual\n3,2024-01-03,${predictions[2] + 2}\n4,2024-01-04,${predictions[3] - 2}\n`), {
      "content-type": "text/csv",
    }),
    200,
  );
  expect(upload).toEqual({ matched: 2, unmatched: [] });
  const perf = await performance(request, ep.name);
  expect(perf.overall.rows).toBe(4);
  expect(perf.overall.mae).toBeCloseTo(2, 4);
});

test("bad actuals get a 422 naming the item's field; an unknown endpoint is a 404", async ({ request, regression }) => {
  const ep = await deploy(request, regression.model.id, {}, "actuals-bad");
  await expectProblem(await postActuals(request, ep.name, { items: [{ actual: 1 }] }), 422, "items[0].requestId");
  await expectProblem(
    await postActuals(request, ep.name, {
      items: [
        { requestId: "r1", actual: 1 },
        { keys: {}, actual: 1 },
      ],
    }),
    422,
    "items[1].keys",
  );
  await expectProblem(await postActuals(request, ep.name, { items: [{ requestId: "r1" }] }), 422, "items[0].actual");
  await expectProblem(await postActuals(request, ep.name, { items: "no" }), 422, "items");
  await expectProblem(await postActuals(request, ep.name, raw("id,value\n1,2\n"), { "content-type": "text/csv" }), 422, "columns.actual");
  await expectProblem(await postActuals(request, ep.name, raw("{"), { "content-type": "application/json" }), 400, "body");
  await expectProblem(await postActuals(request, "no-such-endpoint-x", { items: [{ requestId: "r", actual: 1 }] }), 404);
  await expectProblem(await request.get(`/api/endpoints/no-such-endpoint-x/performance`), 404);
  await expectProblem(await request.get(`/api/endpoints/${ep.name}/performance?bucket=month`), 422, "bucket");
  await expectProblem(await request.get(`/api/endpoints/${ep.name}/performance?since=soon`), 422, "since");
  // A regression actual that is not a number is unmatched with a reason, not an error.
  const scored = await expectScored(await score(request, ep.name, ep.key, { rows: ROWS.slice(0, 1) }));
  const posted = await expectJson<Posted>(await postActuals(request, ep.name, { items: [{ requestId: scored.requestId, actual: "lots" }] }), 200);
  expect(posted).toMatchObject({ matched: 0, unmatched: [{ index: 0 }] });
});
