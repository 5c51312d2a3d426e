import type { Task } from "@/lib/define/tasks";
import type { Algorithm, Params, RunDetailsBase, TrainedModel } from "./algorithm";
import { forecaster } from "./forecaster";
import { linear } from "./linear";
import { logistic } from "./logistic";
import { mlp } from "./mlp";
import { recommender } from "./recommender";

/**
 * Every algorithm the workbench trains, in the order the forms offer them (browser-safe: each
 * loads its tfjs engine only when asked). Adding one is a folder beside these and a line here.
 */
export const ALGORITHMS = [linear, logistic, mlp, forecaster, recommender] as const;

export type RegisteredAlgorithm = (typeof ALGORITHMS)[number];
export type AlgorithmId = RegisteredAlgorithm["id"];
/** Any registered algorithm, seen through the surface they share. */
export type AnyAlgorithm = Algorithm<AlgorithmId, Params, RunDetailsBase, TrainedModel>;

type EngineOf<A extends RegisteredAlgorithm> = Awaited<ReturnType<A["engine"]>>;
/** The model an algorithm trains and loads. */
export type ModelOf<A extends RegisteredAlgorithm> = Awaited<ReturnType<EngineOf<A>["load"]>>;
/** The details a run of any algorithm records: one of each algorithm's own. */
export type RunDetails = Awaited<ReturnType<EngineOf<RegisteredAlgorithm>["train"]>>["details"];

export const ALGORITHM_IDS = ALGORITHMS.map((a) => a.id) as [AlgorithmId, ...AlgorithmId[]];

export const isAlgorithmId = (id: string): id is AlgorithmId => (ALGORITHM_IDS as readonly string[]).includes(id);

export function getAlgorithm(id: AlgorithmId): AnyAlgorithm {
  const found: AnyAlgorithm | undefined = ALGORITHMS.find((a) => a.id === id);
  if (!found) throw new Error(`no algorithm "${id}"`);
  return found;
}

/** The algorithms that serve a task, in the forms' order. */
export const algorithmsFor = (task: Task): AnyAlgorithm[] => ALGORITHMS.filter((a) => a.tasks.includes(task));
