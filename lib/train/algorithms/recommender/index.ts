import { trainingFields } from "../../param-fields";
import { defineAlgorithm } from "../algorithm";
import {
  CONTEXT_ITEMS_PER_ITEM,
  readRecommenderParams,
  RECOMMENDER_DEFAULTS,
  RECOMMENDER_PARAM_BOUNDS,
  recommenderParamsSchema,
  resolveRecommenderRunParams,
} from "./params";

/** `recommender`: item-to-item recommendations from baskets (item embeddings blended with bought-together counts). */
export const recommender = defineAlgorithm({
  id: "recommender",
  label: "Recommender (item embeddings)",
  hint: "Item embeddings learned from baskets, blended with bought-together counts.",
  tasks: ["recommendation"],
  bounds: RECOMMENDER_PARAM_BOUNDS,
  schema: recommenderParamsSchema,
  defaults: RECOMMENDER_DEFAULTS,
  fields: [
    { name: "itemColumn", label: "Item column", hint: "The item bought or viewed.", kind: "column", group: "model" },
    { name: "basketColumn", label: "Basket column", hint: "Invoice, order or session.", kind: "column", group: "model" },
    { name: "quantityColumn", label: "Quantity column", hint: "Rows with 0 or less (returns) are dropped.", kind: "column", group: "model" },
    { name: "embeddingDim", label: "Embedding size", hint: "Dimensions of each item's vector.", kind: "int", group: "model" },
    { name: "k", label: "k", hint: "Recommendations scored per query (hit rate@k).", kind: "int", group: "model" },
    {
      name: "cooccurrenceWeight",
      label: "Co-occurrence weight",
      hint: "Blend of bought-together counts; 0 = embeddings only.",
      kind: "number",
      group: "model",
    },
    { name: "negatives", label: "Negative samples", hint: "Per positive pair.", kind: "int", group: "training" },
    ...trainingFields("epochs", "batchSize", "learningRate", "earlyStoppingPatience", "seed"),
  ],
  trainsInBrowser: false,
  resolveParams: resolveRecommenderRunParams,
  readParams: readRecommenderParams,
  // Each row's item is paired with up to CONTEXT_ITEMS_PER_ITEM others of its basket every epoch.
  trainingSteps: (p, rows) => p.epochs * Math.ceil((rows * CONTEXT_ITEMS_PER_ITEM) / p.batchSize),
  stepsFormula: `epochs × rows × ${CONTEXT_ITEMS_PER_ITEM} pairs ÷ batchSize`,
  ownsExtras: (extras) => extras.format === "workbench-recommender",
  engine: () => import("./engine").then((m) => m.recommenderEngine),
});
