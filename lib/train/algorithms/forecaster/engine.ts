import type { AlgorithmEngine } from "../algorithm";
import { type Forecaster, loadForecasterFiles, saveForecasterFiles } from "./model";
import type { ForecasterParams } from "./params";
import { forecasterPredictor } from "./predictor";
import { type ForecasterDetails, trainForecasterRun } from "./run";

export const forecasterEngine: AlgorithmEngine<ForecasterParams, ForecasterDetails, Forecaster> = {
  train: trainForecasterRun,
  save: saveForecasterFiles,
  load: loadForecasterFiles,
  predictor: forecasterPredictor,
};
