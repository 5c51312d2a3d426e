import type { Recommendation } from "../../types";
import { dotKernel, type DotKernel } from "./dot-kernel";

/** How a recommender scores a query: plain Float32Array maths over its embeddings and co-occurrence counts. */

/** Item-to-item co-occurrence: for each item, its partners and in how many baskets they met (CSR). */
export interface Cooccurrence {
  offsets: Int32Array;
  partners: Int32Array;
  counts: Float32Array;
}

export function cooccurrenceOf(baskets: readonly number[][], itemCount: number): Cooccurrence {
  const maps = Array.from({ length: itemCount }, () => new Map<number, number>());
  for (const basket of baskets) {
    for (const a of basket) for (const b of basket) if (a !== b) maps[a].set(b, (maps[a].get(b) ?? 0) + 1);
  }
  const offsets = new Int32Array(itemCount + 1);
  for (let i = 0; i < itemCount; i++) offsets[i + 1] = offsets[i] + maps[i].size;
  const partners = new Int32Array(offsets[itemCount]);
  const counts = new Float32Array(offsets[itemCount]);
  maps.forEach((map, i) => {
    let at = offsets[i];
    for (const [b, n] of map) {
      partners[at] = b;
      counts[at++] = n;
    }
  });
  return { offsets, partners, counts };
}

/** The k best indices by score (descending; ties to the lower index), skipping masked ones and −∞. */
function topK(scores: Float32Array, k: number, masked: Uint8Array): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (masked[i] || s === Number.NEGATIVE_INFINITY) continue;
    if (top.length === k && s <= scores[top[k - 1]]) continue;
    let at = top.length < k ? top.push(i) - 1 : k - 1;
    while (at > 0 && scores[top[at - 1]] < s) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = i;
  }
  return top;
}

export interface Scorer {
  items: string[];
  index: Map<string, number>;
  /** Unit-length rows. Shape: [items, dim]. */
  embeddings: Float32Array;
  dim: number;
  popularity: Int32Array;
  cooccurrence: Cooccurrence;
  /** Items that met another item in a training basket: the only ones whose embedding was trained. */
  trained: Uint8Array;
  cooccurrenceWeight: number;
  /** Item indices by popularity, most popular first. */
  byPopularity: number[];
  /** Indices of the items that were not trained: never ranked by the model. */
  untrained: Int32Array;
  /** Dot products of the query with every embedding; its scores are the scratch score buffer. */
  kernel: DotKernel;
  /** Scratch buffers (one call at a time; JS is single-threaded). Shape: [items]. */
  scores: Float32Array;
  counts: Float32Array;
  masked: Uint8Array;
  /** The query: the mean of its items' embeddings (the kernel's query vector). Shape: [dim]. */
  mean: Float32Array;
}

/** A scorer; `kernel`, when given, is reused (its rows are replaced by these embeddings). */
export function makeScorer(
  items: string[],
  embeddings: Float32Array,
  dim: number,
  popularity: Int32Array,
  cooccurrence: Cooccurrence,
  cooccurrenceWeight: number,
  kernel?: DotKernel,
): Scorer {
  const n = items.length;
  const trained = new Uint8Array(n);
  for (let i = 0; i < n; i++) trained[i] = cooccurrence.offsets[i + 1] > cooccurrence.offsets[i] ? 1 : 0;
  const untrained = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !trained[i]);
  if (kernel) kernel.setRows(embeddings);
  else kernel = dotKernel(embeddings, dim);
  const byPopularity = Array.from({ length: n }, (_, i) => i).sort((a, b) => popularity[b] - popularity[a] || a - b);
  return {
    items,
    index: new Map(items.map((item, i) => [item, i])),
    embeddings,
    dim,
    popularity,
    cooccurrence,
    trained,
    cooccurrenceWeight,
    byPopularity,
    untrained,
    kernel,
    scores: kernel.scores,
    counts: new Float32Array(n),
    masked: new Uint8Array(n),
    mean: kernel.query,
  };
}

/** Rows scaled to unit length (zero rows stay zero). */
export function normaliseRows(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / dim; r++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += data[r * dim + c] ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) out[r * dim + c] = data[r * dim + c] * scale;
  }
  return out;
}

/** How a query is scored: the trained model, or one of the two baselines. */
export type ScoreMode = "model" | "popularity" | "cooccurrence";

/**
 * The k best items for a query of one or more items (a product page, a basket), never one of them.
 * "model": mean cosine similarity to the query items + w · (baskets shared with them) / (the most
 * any item shares). "cooccurrence": baskets shared, popularity breaking ties. "popularity": the
 * most popular. Only trained items are ranked; fewer than k are topped up by popularity, scored
 * below every ranked one. A query without a trained item gets the most popular items.
 */
export function recommendFor(scorer: Scorer, itemIds: readonly string[], k: number, mode: ScoreMode): Recommendation[] {
  const { scores, counts, masked, mean, embeddings: e, dim, cooccurrence: co, popularity } = scorer;
  const query: number[] = [];
  for (const id of itemIds) {
    const i = scorer.index.get(id);
    if (i !== undefined && !masked[i]) {
      masked[i] = 1;
      query.push(i);
    }
  }
  const limit = Math.max(0, Math.min(Math.floor(k), scorer.items.length - query.length));
  const known = query.filter((i) => scorer.trained[i]);
  const out: Recommendation[] = [];
  try {
    if (mode !== "popularity" && known.length > 0) {
      // Baskets shared with the query items, summed over them; `touched` lists the nonzero cells.
      const touched: number[] = [];
      let maxCount = 0;
      for (const q of known) {
        for (let at = co.offsets[q]; at < co.offsets[q + 1]; at++) {
          const j = co.partners[at];
          if (counts[j] === 0) touched.push(j);
          counts[j] += co.counts[at];
        }
      }
      for (const j of touched) maxCount = Math.max(maxCount, counts[j]);
      if (mode === "model") {
        mean.fill(0);
        for (const q of known) for (let c = 0; c < dim; c++) mean[c] += e[q * dim + c] / known.length;
        // The hot loop (every item × dim) runs in the dot-product kernel (WebAssembly SIMD).
        scorer.kernel.run();
        for (const i of scorer.untrained) scores[i] = Number.NEGATIVE_INFINITY;
        const coScale = maxCount > 0 ? scorer.cooccurrenceWeight / maxCount : 0;
        for (const j of touched) scores[j] += coScale * counts[j];
      } else {
        scores.fill(Number.NEGATIVE_INFINITY);
        const top = popularity[scorer.byPopularity[0]] || 1;
        for (const j of touched) scores[j] = counts[j] + (0.5 * popularity[j]) / top;
      }
      for (const j of touched) counts[j] = 0;
      for (const i of topK(scores, limit, masked)) {
        out.push({ itemId: scorer.items[i], score: scores[i] });
        masked[i] = 1;
        query.push(i);
      }
    }
    // Popularity (share of the top item's count), for the whole answer or, below the ranked items, to top it up.
    const top = popularity[scorer.byPopularity[0]] || 1;
    const [offset, scale] = out.length ? [out[out.length - 1].score - 1, 0.5] : [0, 1];
    for (const i of scorer.byPopularity) {
      if (out.length >= limit) break;
      if (masked[i]) continue;
      out.push({ itemId: scorer.items[i], score: offset + (scale * popularity[i]) / top });
    }
  } finally {
    for (const i of query) masked[i] = 0;
  }
  return out;
}
