import * as tf from "@tensorflow/tfjs";
import { validation } from "@/lib/shared/errors";
import { type ModelArtifacts, modelJson, readWeights } from "../../model-files";
import type { EpochLog, Recommendation } from "../../types";
import type { RecommenderEvaluation } from "./evaluation";
import type { RecommenderParams } from "./params";
import { type Cooccurrence, makeScorer, recommendFor, type Scorer } from "./scoring";

/** A trained recommender: how it answers, and how it is saved and loaded. */

export interface Recommender {
  params: RecommenderParams;
  /** Best first; never the query item; the most popular items for an item never seen in a basket with others. */
  recommend(itemId: string, k: number): Recommendation[];
  /** The same for a set of items (a basket, a cart): items that go with all of them, none of them. */
  recommendForItems(itemIds: readonly string[], k: number): Recommendation[];
  evaluation: RecommenderEvaluation;
  /** Unit-length item embeddings, row i for items[i]. Shape: [items, embeddingDim]. */
  embeddings: Float32Array;
  items: string[];
  /** Training baskets that hold each item, in `items` order. */
  popularity: Int32Array;
  history: EpochLog[];
  serialize(): Promise<SerializedRecommender>;
  dispose(): void;
}

/**
 * A recommender as data: JSON fields plus its arrays in tfjs's weights format (`weightSpecs` +
 * one binary `weightData`), as a bundle keeps them next to a model.json.
 */
export type SerializedRecommender = {
  format: "workbench-recommender";
  formatVersion: 1;
  params: RecommenderParams;
  items: string[];
  evaluation: RecommenderEvaluation;
  history: EpochLog[];
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
};

export function makeRecommender(params: RecommenderParams, scorer: Scorer, evaluation: RecommenderEvaluation, history: EpochLog[]): Recommender {
  return {
    params,
    recommend: (itemId, k) => recommendFor(scorer, [itemId], k, "model"),
    recommendForItems: (itemIds, k) => recommendFor(scorer, itemIds, k, "model"),
    evaluation,
    embeddings: scorer.embeddings,
    items: scorer.items,
    popularity: scorer.popularity,
    history,
    async serialize() {
      const arrays = {
        item_embeddings: tf.tensor2d(scorer.embeddings, [scorer.items.length, scorer.dim]),
        item_popularity: tf.tensor1d(scorer.popularity, "int32"),
        cooccurrence_offsets: tf.tensor1d(scorer.cooccurrence.offsets, "int32"),
        cooccurrence_partners: tf.tensor1d(scorer.cooccurrence.partners, "int32"),
        cooccurrence_counts: tf.tensor1d(scorer.cooccurrence.counts, "float32"),
      };
      const { data, specs } = await tf.io.encodeWeights(arrays).finally(() => tf.dispose(Object.values(arrays)));
      return {
        format: "workbench-recommender",
        formatVersion: 1,
        params,
        items: scorer.items,
        evaluation,
        history,
        weightSpecs: specs,
        weightData: data as ArrayBuffer,
      };
    },
    dispose() {
      // Nothing to free: the embeddings live in plain arrays, not in tensors.
    },
  };
}

/** Loads a serialized recommender; its recommendations equal the original's. */
export async function loadRecommender(serialized: SerializedRecommender): Promise<Recommender> {
  if (serialized?.format !== "workbench-recommender" || serialized.formatVersion !== 1) {
    throw validation("bundle", `not a recommender of format version 1 (got ${String(serialized?.format)} v${String(serialized?.formatVersion)})`);
  }
  const tensors = tf.io.decodeWeights(serialized.weightData, serialized.weightSpecs);
  try {
    const read = async (name: string) => {
      const t = tensors[name];
      if (!t) throw validation("bundle", `the recommender bundle lacks "${name}"`);
      return t.data();
    };
    const embeddings = (await read("item_embeddings")) as Float32Array;
    const popularity = (await read("item_popularity")) as Int32Array;
    const cooccurrence: Cooccurrence = {
      offsets: (await read("cooccurrence_offsets")) as Int32Array,
      partners: (await read("cooccurrence_partners")) as Int32Array,
      counts: (await read("cooccurrence_counts")) as Float32Array,
    };
    const { params, items } = serialized;
    const scorer = makeScorer(items, embeddings, params.embeddingDim, popularity, cooccurrence, params.cooccurrenceWeight);
    return makeRecommender(params, scorer, serialized.evaluation, serialized.history);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** The bundle's files of a recommender: its arrays in tfjs's weights format, the rest in extras. */
export async function saveRecommenderFiles(model: Recommender): Promise<ModelArtifacts> {
  const { weightSpecs, weightData, ...extras } = await model.serialize();
  return { modelJson: modelJson("workbench-recommender", weightSpecs), weights: new Uint8Array(weightData), extras };
}

/** A recommender back from the bundle's files (loadRecommender checks the extras' format). */
export function loadRecommenderFiles(files: ModelArtifacts): Promise<Recommender> {
  return loadRecommender({ ...files.extras, ...readWeights(files) } as SerializedRecommender);
}
