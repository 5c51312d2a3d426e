import { validation } from "@/lib/shared/errors";
import type { ServingPredictor } from "../algorithm";
import type { Recommender } from "./model";

/** Recommendations per query unless a request asks for another k. */
const DEFAULT_K = 10;
/** The column a recommendation request names its item in (the item column's own name works too). */
export const ITEM_ID_COLUMN = "itemId";

/** A recommendation row names an item (`itemId`, or the item column's own name); the answer is its top k. */
export async function recommenderPredictor(model: Recommender): Promise<ServingPredictor> {
  const itemColumn = model.params.itemColumn;
  return {
    kind: "recommender",
    inputSchema: [{ name: ITEM_ID_COLUMN, type: "category" }],
    predict(rows, opts) {
      const k = opts?.k ?? model.params.k ?? DEFAULT_K;
      const field = opts?.field ?? "rows";
      return rows.map((row, i) => {
        const item = row[ITEM_ID_COLUMN] ?? row[itemColumn];
        if (item === null || item === undefined || String(item).trim() === "")
          throw validation(`${field}[${i}].${ITEM_ID_COLUMN}`, `row ${i} names no item: send {"${ITEM_ID_COLUMN}": "…"}`);
        return model.recommend(String(item).trim(), k);
      });
    },
    dispose: () => model.dispose(),
  };
}
