import type { Task } from "@/lib/define/tasks";
import type { ParamField } from "../../param-fields";
import { type Algorithm, defineAlgorithm } from "../algorithm";
import type { TabularModel } from "./model";
import { resolveTabularParams, TABULAR_DEFAULTS, TABULAR_PARAM_BOUNDS, type TabularAlgorithm, type TabularParams, tabularParamsSchema } from "./params";
import type { TabularDetails } from "./run";

/**
 * linear, logistic and mlp are one engine (a tfjs layers model on the recipe's matrix) with
 * their own defaults, tasks and fields: each folder names its own, this builds the algorithm.
 */
export function tabularAlgorithm<const Id extends TabularAlgorithm>(
  id: Id,
  about: { label: string; hint: string; tasks: readonly Extract<Task, "regression" | "classification">[]; fields: readonly Omit<ParamField, "bound">[] },
): Algorithm<Id, TabularParams, TabularDetails, TabularModel> {
  return defineAlgorithm({
    id,
    ...about,
    bounds: TABULAR_PARAM_BOUNDS,
    schema: tabularParamsSchema,
    defaults: TABULAR_DEFAULTS[id],
    trainsInBrowser: true,
    resolveParams: (raw) => resolveTabularParams(id, raw),
    readParams: (stored) => resolveTabularParams(id, stored),
    // Each epoch passes every row once.
    trainingSteps: (p, rows) => p.epochs * Math.ceil(rows / p.batchSize),
    stepsFormula: "epochs × rows ÷ batchSize",
    // Tabular extras name their algorithm and, unlike the others', no format.
    ownsExtras: (extras) => extras.format === undefined && extras.algorithm === id,
    engine: () => import("./engine").then((m) => m.tabularEngine(id)),
  });
}
