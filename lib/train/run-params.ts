import { AppError } from "@/lib/shared/errors";
import type { Params } from "./algorithms/algorithm";
import { getAlgorithm, type AlgorithmId } from "./algorithms/registry";
import { workViolation } from "./param-bounds";
import type { RunContext } from "./run-context";

/**
 * The full params of a run of `algorithm` (its resolveParams: the defaults overlaid with what was
 * asked, every param checked, what the data decides filled in), as the run stores them. Throws
 * VALIDATION on `params.<name>` (or `target`): a param beyond its bound, or epochs and batch size
 * that would take too many steps on the data.
 */
export function resolveRunParams(algorithm: AlgorithmId, raw: unknown, ctx: RunContext): Params {
  const a = getAlgorithm(algorithm);
  const params = a.resolveParams(raw, ctx);
  const tooMuch = ctx.rows === undefined ? undefined : workViolation(a, params, ctx.rows);
  if (tooMuch) throw new AppError("VALIDATION", `invalid params: ${tooMuch[0].message}`, tooMuch);
  return params;
}
