import { applyRecipe, type FittedRecipe } from "@/lib/prepare/recipe";
import type { ServingPredictor } from "../algorithm";
import type { Forecaster } from "./model";

/** A forecast row names a series, a future period and the known-ahead values of that period. */
export async function forecasterPredictor(model: Forecaster, fitted: FittedRecipe): Promise<ServingPredictor> {
  const p = model.params;
  const reads = new Set([p.timeColumn, ...p.seriesColumns, ...p.exogenous]);
  return {
    kind: "forecaster",
    inputSchema: fitted.inputColumns.filter((c) => reads.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
    target: p.target,
    predict(rows) {
      // The recipe's row steps (an imputed price) apply as in training; serve mode keeps every row.
      const prepared = applyRecipe(fitted, rows, { mode: "serve" }).rows;
      return model.predict(prepared);
    },
    forecastAhead(rows) {
      return model.forecastAhead(applyRecipe(fitted, rows, { mode: "serve" }).rows);
    },
    dispose: () => model.dispose(),
  };
}
