import { ALGORITHMS, type AlgorithmId, getAlgorithm, type ModelOf, type RegisteredAlgorithm } from "./algorithms/registry";
import { type ModelArtifacts, readWeights } from "./model-files";

export type { ModelArtifacts, ModelJson } from "./model-files";

/** A model with the algorithm it is a model of. */
export type LoadedModel = { [A in RegisteredAlgorithm as A["id"]]: { algorithm: A["id"]; model: ModelOf<A> } }[AlgorithmId];

/** The bundle's three files of a model (its algorithm's save). */
export async function modelArtifacts(loaded: LoadedModel): Promise<ModelArtifacts> {
  return (await getAlgorithm(loaded.algorithm).engine()).save(loaded.model);
}

/** Loads a model back from its three files, with the algorithm whose extras.json they hold. */
export async function loadModelArtifacts(files: ModelArtifacts): Promise<LoadedModel> {
  // A model.json without weights is refused first, whatever its extras say.
  readWeights(files);
  const algorithm = ALGORITHMS.find((a) => a.ownsExtras(files.extras ?? {}));
  if (!algorithm) throw new Error("extras.json names no algorithm this workbench trains");
  const model = await (await getAlgorithm(algorithm.id).engine()).load(files);
  return { algorithm: algorithm.id, model } as LoadedModel;
}
