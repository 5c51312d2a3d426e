import { expectJson, expectProblem, sampleProject } from "./helpers";
import { deploy, expect, expectScored, infer, register, score, test, trainRun, type V2Answer } from "./endpoint-helpers";

/** The real-time showcase: the web shop's product page asks the recommendation endpoint for items that go with one. */

type Recommendations = { itemId: string; score: number }[];

test("a deployed recommender answers k items that go with one, never the item itself; unseen items get popular ones", async ({ request }) => {
  test.setTimeout(180_000);
  const project = await sampleProject(request, "Web shop recommendations");
  const run = await trainRun(request, project.id, "recommender", { epochs: 2 });
  const model = await register(request, run.id);
  const ep = await deploy(request, model.id, {}, "shop-recs");
  expect(ep.task).toBe("recommendation");
  expect(ep.inputSchema).toEqual([{ name: "itemId", type: "category" }]);

  const item = "85123A";
  const body = await expectScored<Recommendations>(await score(request, ep.name, ep.key, { rows: [{ itemId: item }], k: 5 }));
  expect(body.model).toMatchObject({ id: model.id, version: model.version });
  expect(body.predictions).toHaveLength(1);
  const recs = body.predictions[0];
  expect(recs).toHaveLength(5);
  for (const r of recs) {
    expect(Object.keys(r).sort()).toEqual(["itemId", "score"]);
    expect(typeof r.itemId).toBe("string");
    expect(Number.isFinite(r.score)).toBe(true);
  }
  expect(recs.map((r) => r.itemId)).not.toContain(item);
  expect(new Set(recs.map((r) => r.itemId)).size).toBe(5);
  const scores = recs.map((r) => r.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));

  // Without k, the model's own k (10); several rows, one list each, the item also under its column's own name.
  const two = await expectScored<Recommendations>(await score(request, ep.name, ep.key, { rows: [{ itemId: item }, { StockCode: "22423" }] }));
  expect(two.predictions.map((p) => p.length)).toEqual([10, 10]);
  expect(two.predictions[0].slice(0, 5)).toEqual(recs);
  expect(two.predictions[1].map((r) => r.itemId)).not.toContain("22423");

  // An item never seen still gets k items: the popular ones, the same for any unseen item.
  const unseen = await expectScored<Recommendations>(
    await score(request, ep.name, ep.key, { rows: [{ itemId: "NO-SUCH-ITEM" }, { itemId: "ANOTHER-UNSEEN" }], k: 5 }),
  );
  expect(unseen.predictions.map((p) => p.length)).toEqual([5, 5]);
  expect(unseen.predictions[0].map((r) => r.itemId)).toEqual(unseen.predictions[1].map((r) => r.itemId));

  // V2: items and scores as [n, k] tensors.
  const v2 = await expectJson<V2Answer>(
    await infer(request, ep.name, ep.key, { inputs: [{ name: "itemId", datatype: "BYTES", shape: [1], data: [item] }] }),
    200,
  );
  expect(v2.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
    ["items", "BYTES", [1, 10]],
    ["scores", "FP64", [1, 10]],
  ]);
  expect(v2.outputs[0].data.slice(0, 5)).toEqual(recs.map((r) => r.itemId));

  await expectProblem(await score(request, ep.name, ep.key, { rows: [{}] }), 422, "rows[0].itemId");
  await expectProblem(await score(request, ep.name, ep.key, { rows: [{ itemId: item }, { itemId: "  " }] }), 422, "rows[1].itemId");
  await expectProblem(await score(request, ep.name, ep.key, { rows: [{ itemId: { id: item } }] }), 422, "rows[0].itemId");
  await expectProblem(await score(request, ep.name, ep.key, { instances: [{ itemId: item }, { sku: item }] }), 422, "instances[1].itemId");
  await expectProblem(await score(request, ep.name, ep.key, { rows: [{ itemId: item }], k: 0 }), 422, "k");
  await expectProblem(await score(request, ep.name, ep.key, { rows: [{ itemId: item }], k: "5" }), 422, "k");
});
