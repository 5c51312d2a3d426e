import { HIDDEN_UNITS_FIELD, trainingFields } from "../../param-fields";
import { tabularAlgorithm } from "../tabular/algorithm";
import { ACTIVATIONS } from "../tabular/params";

/** `mlp`: a small neural network (dense layers) for regression and classification. */
export const mlp = tabularAlgorithm("mlp", {
  label: "MLP (neural network)",
  hint: "A small neural network for non-linear relations.",
  tasks: ["regression", "classification"],
  fields: [
    HIDDEN_UNITS_FIELD,
    { name: "activation", label: "Activation", hint: "Of the hidden layers.", kind: "choice", group: "model", options: ACTIVATIONS },
    ...trainingFields("epochs", "batchSize", "learningRate", "l2", "dropout", "earlyStoppingPatience", "seed"),
  ],
});
