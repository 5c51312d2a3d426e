import type { AlgorithmEngine } from "../algorithm";
import type { TabularModel } from "./model";
import type { TabularAlgorithm, TabularParams } from "./params";
import { tabularPredictor } from "./predictor";
import { trainTabularRun, type TabularDetails } from "./run";
import { loadTabularFiles, saveTabularFiles } from "./save";

/** The engine of linear, logistic and mlp: one implementation, told which of them it runs. */
export function tabularEngine(algorithm: TabularAlgorithm): AlgorithmEngine<TabularParams, TabularDetails, TabularModel> {
  return {
    train: (input) => trainTabularRun(algorithm, input),
    save: saveTabularFiles,
    load: loadTabularFiles,
    predictor: tabularPredictor,
  };
}
