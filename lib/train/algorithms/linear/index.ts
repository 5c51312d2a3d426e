import { trainingFields } from "../../param-fields";
import { tabularAlgorithm } from "../tabular/algorithm";

/** `linear`: ridge regression, a tfjs dense layer on standardised features. */
export const linear = tabularAlgorithm("linear", {
  label: "Linear (ridge) regression",
  hint: "Ridge regression: a fast, strong first baseline.",
  tasks: ["regression"],
  fields: trainingFields("epochs", "batchSize", "learningRate", "l2", "earlyStoppingPatience", "seed"),
});
