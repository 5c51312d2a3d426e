import type { AlgorithmEngine } from "../algorithm";
import { loadRecommenderFiles, type Recommender, saveRecommenderFiles } from "./model";
import type { RecommenderParams } from "./params";
import { recommenderPredictor } from "./predictor";
import { type RecommenderDetails, trainRecommenderRun } from "./run";

export const recommenderEngine: AlgorithmEngine<RecommenderParams, RecommenderDetails, Recommender> = {
  train: trainRecommenderRun,
  save: saveRecommenderFiles,
  load: loadRecommenderFiles,
  predictor: recommenderPredictor,
};
