import { HIDDEN_UNITS_FIELD, trainingFields } from "../../param-fields";
import { defineAlgorithm } from "../algorithm";
import { FORECASTER_DEFAULTS, FORECASTER_PARAM_BOUNDS, forecasterParamsSchema, readForecasterParams, resolveForecasterRunParams } from "./params";

/** `forecaster`: one global network over every series of the data, forecasting `horizon` periods ahead. */
export const forecaster = defineAlgorithm({
  id: "forecaster",
  label: "Forecaster (global neural network)",
  hint: "One global network over every series: lags, rolling statistics, calendar, known-ahead columns.",
  tasks: ["forecasting"],
  bounds: FORECASTER_PARAM_BOUNDS,
  schema: forecasterParamsSchema,
  defaults: FORECASTER_DEFAULTS,
  fields: [
    { name: "horizon", label: "Horizon", hint: "Periods ahead; also the backtest window.", kind: "int", group: "model" },
    { name: "timeColumn", label: "Time column", hint: "The period of each row.", kind: "column", group: "model" },
    {
      name: "seriesColumns",
      label: "Series columns",
      hint: "Columns naming a series (store, brand), comma-separated; - for one series.",
      kind: "columnList",
      group: "model",
    },
    {
      name: "exogenous",
      label: "Known-ahead columns",
      hint: "Known for future periods (price, advert), comma-separated; - for none.",
      kind: "columnList",
      group: "model",
    },
    { name: "lags", label: "Lags", hint: "Past periods read, comma-separated (1 = the last).", kind: "intList", group: "model" },
    { name: "seasonLength", label: "Season length", hint: "52 for weeks; 0 off; −1 infers it.", kind: "int", group: "model" },
    HIDDEN_UNITS_FIELD,
    { name: "ensembleSize", label: "Ensemble size", hint: "Networks averaged (different seeds).", kind: "int", group: "model" },
    ...trainingFields("epochs", "batchSize", "learningRate", "l2", "dropout", "earlyStoppingPatience", "seed"),
  ],
  trainsInBrowser: false,
  resolveParams: resolveForecasterRunParams,
  readParams: readForecasterParams,
  // Each row is the target of up to `horizon` origins, for each network of the ensemble.
  trainingSteps: (p, rows) => p.ensembleSize * p.epochs * Math.ceil((rows * p.horizon) / p.batchSize),
  stepsFormula: "ensembleSize × epochs × rows × horizon ÷ batchSize",
  ownsExtras: (extras) => extras.format === "workbench-forecaster",
  engine: () => import("./engine").then((m) => m.forecasterEngine),
});
