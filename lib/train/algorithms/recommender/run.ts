import { prepareRawRows, sampleEvenly } from "../../features";
import type { RunDetailsBase, TrainedRun, TrainInput } from "../algorithm";
import type { RecommenderEvaluation } from "./evaluation";
import type { Recommender } from "./model";
import type { RecommenderParams } from "./params";
import { trainRecommender } from "./training";

/** What a recommender's run records besides its metrics: the held-out queries, the catalogue, and the single-item (product page) queries. */
export type RecommenderDetails = RunDetailsBase & {
  evaluation: string;
  k: number;
  queries: number;
  heldOutBaskets: number;
  items: number;
  singleItem: RecommenderEvaluation["singleItem"];
};

/** Recommendations are judged leave-one-item-out on held-out baskets, against popularity and co-occurrence counts. */
export async function trainRecommenderRun({
  params: p,
  spec,
  data,
  callbacks,
}: TrainInput<RecommenderParams>): Promise<TrainedRun<Recommender, RecommenderDetails>> {
  const { fitted, rows, skippedSteps } = prepareRawRows(spec, data.rows, data.columns);
  const model = await trainRecommender({ rows, params: p, callbacks });
  const ev = model.evaluation;
  const inputs = sampleEvenly(rows);
  return {
    model,
    fitted,
    history: model.history,
    metrics: { validation: ev.model },
    baseline: { name: "popularity", validation: ev.popularity, others: [{ name: "co-occurrence counts", validation: ev.cooccurrence }] },
    details: {
      evaluation: `Leave-one-item-out on ${ev.heldOutBaskets} held-out baskets never trained on: each of ${ev.queries} held-out items asked for with the rest of its basket; top ${ev.k}.`,
      k: ev.k,
      queries: ev.queries,
      heldOutBaskets: ev.heldOutBaskets,
      items: model.items.length,
      singleItem: ev.singleItem,
      bestEpoch: model.history.reduce(
        (best, h) => ((h.metrics?.hitRate ?? -1) > (best.metrics?.hitRate ?? -1) ? h : best),
        model.history[0] ?? { epoch: 0, loss: 0 },
      ).epoch,
      stoppedEarly: model.history.length < p.epochs,
      ...(skippedSteps.length ? { skippedSteps } : {}),
    },
    reference: { inputs, predictions: inputs.map((row) => model.recommend(String(row[p.itemColumn] ?? ""), ev.k).map((r) => r.itemId)) },
  };
}
