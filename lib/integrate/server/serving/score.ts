import { AppError } from "@/lib/shared/errors";
import { errorAnswer, problem, requireJsonType, toResponse, type Answer } from "@/lib/shared/http";
import { fromWebRequest, type RequestLike } from "@/lib/shared/server/request";
import { newId } from "@/lib/shared/ids";
import { coerceRows, parseScoreRequest, parseV2InferRequest, ROWS_FIELD, v2InferResponse } from "../../formats";
import { authenticate, corsHeaders, pickPredictor, readyPredictor, servingEndpoint, takeToken } from "./runtime";
import type { Predictor } from "./predictors";
import { realtimeBeat } from "./realtime-beat";
import { logRequest } from "./request-log";

/** Largest scoring body (JSON, CSV or V2). */
export const MAX_SCORE_BYTES = 8 * 1024 * 1024;

type Protocol = "native" | "v2";

/**
 * The x-model-version header, `name@version`. A header value is a byte string (one character past
 * Latin-1 throws, and the request with it), so all but printable ASCII, and "%", is
 * percent-encoded: decodeURIComponent gives the name back.
 */
const modelVersionHeader = (p: Pick<Predictor, "name" | "version">): string =>
  `${p.name.replace(/[^\x20-\x7e]|%/gu, (c) => encodeURIComponent(c))}@${p.version}`;

interface Outcome {
  predictor?: Predictor;
  rows: number;
  format?: string;
  inputs?: unknown[];
  outputs?: unknown[];
}

/** Scoring behind a Next route handler. */
export async function scoreRequest(req: Request, name: string, protocol: Protocol): Promise<Response> {
  return toResponse(await score(fromWebRequest(req), name, protocol));
}

/**
 * One scoring request from end to end: find the endpoint, check the key and the rate limit, read
 * and parse the body in whichever format it comes, validate it against the model's input schema,
 * predict, answer; then log it (buffered). Every failure is a problem answer and is logged too.
 * Served by the production server's scoring front (front.ts) and by Next's route handlers alike.
 */
export async function score(call: RequestLike, name: string, protocol: Protocol): Promise<Answer> {
  const started = performance.now();
  realtimeBeat();
  const requestId = newId("req");
  const origin = call.header("origin");
  let cors: Record<string, string> = {};
  const outcome: Outcome = { rows: 0 };
  let status = 200;
  let error: string | null = null;
  let answer: Answer;
  try {
    const s = servingEndpoint(name);
    cors = corsHeaders(s, origin);
    const keyHash = authenticate(s, call.header("authorization"));
    takeToken(s, keyHash);
    // V2 bodies are JSON. A missing content type is read as JSON: Open Inference Protocol clients
    // (tritonclient) send none, and a key in a header is nothing a cross-site form can send.
    if (protocol === "v2" && call.header("content-type")) requireJsonType(call.header("content-type"));
    const text = await call.text(MAX_SCORE_BYTES);
    const predictor = readyPredictor(s) ?? (await pickPredictor(s));
    outcome.predictor = predictor;
    const columns = predictor.inputSchema.map((c) => c.name);
    let body: unknown;
    if (protocol === "v2") {
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new AppError("VALIDATION", `The body is not valid JSON: ${(e as Error).message}`, [{ field: "body", message: "invalid JSON" }]);
      }
    }
    const parsed =
      protocol === "v2"
        ? { ...parseV2InferRequest(body, { columns, maxRows: s.row.maxRows }), k: undefined, format: "v2" as const }
        : parseScoreRequest({ contentType: call.header("content-type") ?? "", text }, { maxRows: s.row.maxRows, columns });
    outcome.rows = parsed.rows.length;
    outcome.format = parsed.format;
    outcome.inputs = parsed.rows;
    // Errors name a cell where the request holds it: `dataframe_split.data[1].Price`, `instances[0].Price`, …
    const field = parsed.format === "v2" ? "inputs" : ROWS_FIELD[parsed.format];
    // A recommender reads one item per row, under `itemId` or its item column's name: no schema to coerce against.
    const rows = predictor.kind === "recommender" ? parsed.rows : coerceRows(parsed.rows, predictor.inputSchema, { field });
    const predictions = predictor.predict(rows, { k: parsed.k, field });
    outcome.outputs = predictions;
    const model = { id: predictor.modelId, name: predictor.name, version: predictor.version };
    const result =
      protocol === "v2"
        ? v2InferResponse({ modelName: name, modelVersion: String(predictor.version), id: ("id" in parsed && parsed.id) || requestId, predictions })
        : { predictions, model, requestId };
    answer = {
      status: 200,
      headers: { "content-type": "application/json", "x-model-version": modelVersionHeader(predictor), "x-request-id": requestId, ...cors },
      body: JSON.stringify(result),
    };
  } catch (e) {
    answer = errorAnswer(e);
    status = answer.status;
    error = e instanceof AppError ? e.message : "internal error";
    answer.headers = {
      ...answer.headers,
      ...(outcome.predictor ? { "x-model-version": modelVersionHeader(outcome.predictor) } : {}),
      "x-request-id": requestId,
      ...cors,
    };
  }
  // Every request is logged, refused ones too (an unknown endpoint's under the name asked for).
  logRequest({
    id: requestId,
    endpointName: name,
    modelId: outcome.predictor?.modelId ?? null,
    modelVersion: outcome.predictor?.version ?? null,
    status,
    latencyMs: performance.now() - started,
    rows: outcome.rows,
    format: outcome.format ?? null,
    inputs: outcome.inputs ?? null,
    outputs: outcome.outputs ?? null,
    error,
    createdAt: new Date(),
  });
  return answer;
}

/** The CORS preflight of a browser app calling the endpoint. */
export function preflight(req: Request, name: string): Response {
  let cors: Record<string, string> = {};
  try {
    cors = corsHeaders(servingEndpoint(name), req.headers.get("origin"));
  } catch {
    // An unknown endpoint allows nobody.
  }
  if (cors["access-control-allow-origin"]) return new Response(null, { status: 204, headers: cors });
  return problem("FORBIDDEN", "This endpoint does not allow calls from this origin.", [{ field: "origin", message: "not among the endpoint's CORS origins" }]);
}
