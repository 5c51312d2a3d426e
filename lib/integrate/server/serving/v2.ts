import type { ColumnType } from "@/lib/data/types";
import { mainPredictor, servingEndpoint } from "./runtime";
import type { Predictor } from "./predictors";

/** The V2 datatype a column of each type travels as. */
const DATATYPE: Record<ColumnType, string> = { number: "FP64", integer: "INT64", boolean: "BOOL", category: "BYTES", text: "BYTES", datetime: "BYTES" };

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

function outputsOf(p: Predictor): TensorMetadata[] {
  if (p.kind === "recommender") {
    return [
      { name: "items", datatype: "BYTES", shape: [-1, -1] },
      { name: "scores", datatype: "FP64", shape: [-1, -1] },
    ];
  }
  if (p.task === "classification") {
    return [
      { name: "label", datatype: "BYTES", shape: [-1] },
      { name: "probabilities", datatype: "FP64", shape: [-1, -1] },
    ];
  }
  return [{ name: "prediction", datatype: "FP64", shape: [-1] }];
}

/** `GET /v2/models/{name}`: the endpoint's model version, one input tensor per column, its outputs. */
export async function v2ModelMetadata(name: string) {
  const p = await mainPredictor(servingEndpoint(name));
  return {
    name,
    versions: [String(p.version)],
    platform: "ml-workbench-tfjs",
    parameters: { model: { id: p.modelId, name: p.name, version: p.version }, task: p.task },
    inputs: p.inputSchema.map((c) => ({ name: c.name, datatype: DATATYPE[c.type], shape: [-1] })),
    outputs: outputsOf(p),
  };
}
