import { trainingFields } from "../../param-fields";
import { tabularAlgorithm } from "../tabular/algorithm";

/** `logistic`: logistic (softmax) regression over the classes. */
export const logistic = tabularAlgorithm("logistic", {
  label: "Logistic regression",
  hint: "Softmax regression over the classes.",
  tasks: ["classification"],
  fields: trainingFields("epochs", "batchSize", "learningRate", "l2", "earlyStoppingPatience", "seed"),
});
