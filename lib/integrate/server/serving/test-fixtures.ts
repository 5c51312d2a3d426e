import type { RequestLogEntry } from "./request-log";

/** A request-log entry as the tests log it: a 200 on `endpointName` of `rows` rows, each input `{ a: i }` and output i. */
export function testLogEntry(id: string, endpointName: string, rows = 1): RequestLogEntry {
  return {
    id,
    endpointName,
    modelId: "mdl_x",
    modelVersion: 1,
    status: 200,
    latencyMs: 1.5,
    rows,
    format: "rows",
    inputs: Array.from({ length: rows }, (_, i) => ({ a: i })),
    outputs: Array.from({ length: rows }, (_, i) => i),
    error: null,
    createdAt: new Date(),
  };
}
