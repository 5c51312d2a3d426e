import { beforeAll, describe, expect, it } from "vitest";
import type { Row } from "@/lib/data/types";
import { mulberry32 } from "@/lib/shared/random";
import { initServerBackend } from "../../server/backend";
import { QUICK_FORECASTER as QUICK, promoRows, weekIso, WEEK_MS, START_MS } from "../../test-fixtures";
import { loadForecaster } from "./model";
import { seriesKey } from "./series";
import { trainForecaster } from "./training";

beforeAll(async () => {
  await initServerBackend();
});

describe("trainForecaster", () => {
  it("learns seasonal, price-driven series far better than last-value naive, and answers from its tails after a round trip", async () => {
    const rows = promoRows(130, 3);
    const forecaster = await trainForecaster({
      rows,
      params: { timeColumn: "Week", seriesColumns: ["Store"], target: "Quantity", exogenous: ["Price"], horizon: 8, ...QUICK },
    });
    const { backtest } = forecaster;
    expect(backtest.rows).toBe(3 * 8);
    expect(backtest.perHorizon.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(backtest.metrics.wape).toBeLessThan(0.5 * backtest.baselines.lastValue.wape);
    expect(backtest.metrics.wape).toBeLessThan(0.2);
    expect(forecaster.history.length).toBeGreaterThan(0);
    expect(forecaster.history[0].valLoss).toBeTypeOf("number");

    // The future: the week after the data, for every store, with and without a promotion.
    const requests = [0, 1, 2].flatMap((s) => [
      { Week: weekIso(130), Store: `s${s}`, Price: 3 },
      { Week: weekIso(130), Store: `s${s}`, Price: 2 },
    ]);
    const predictions = forecaster.predict(requests);
    expect(predictions).toHaveLength(6);
    for (let s = 0; s < 3; s++) {
      const [regular, promo] = [predictions[2 * s], predictions[2 * s + 1]];
      const season = 1 + 0.4 * Math.sin((2 * Math.PI * 130) / 52);
      expect(regular).toBeGreaterThan(0.6 * 100 * (s + 1) * season);
      expect(regular).toBeLessThan(1.5 * 100 * (s + 1) * season);
      expect(promo / regular).toBeGreaterThan(1.6);
    }

    // serialize → JSON-safe parts + binary weights → load: no training rows needed, same answers.
    const serialized = await forecaster.serialize();
    expect(Object.keys(serialized.seriesTails)).toHaveLength(3);
    expect(serialized.seriesTails[seriesKey({ Store: "s0" }, ["Store"])].at(-1)?.time).toBe(weekIso(129));
    const copy = { ...JSON.parse(JSON.stringify({ ...serialized, weightData: undefined })), weightData: serialized.weightData.slice(0) };
    const loaded = await loadForecaster(copy);
    expect(loaded.predict(requests)).toEqual(predictions);
    expect(loaded.backtest).toEqual(backtest);
    // An unseen series still gets a finite, positive forecast.
    const [unseen] = loaded.predict([{ Week: weekIso(130), Store: "new", Price: 3 }]);
    expect(Number.isFinite(unseen) && unseen > 0).toBe(true);
    forecaster.dispose();
    loaded.dispose();
  });

  it("reads lags by time across gaps, and is reproducible with a seed", async () => {
    // Sales alternate high/low week by week; 15 % of the weeks are missing. Lag 2 by time is the
    // same parity as the target of step 2; by row it would be anything.
    const random = mulberry32(11);
    const rows: Row[] = [];
    for (let s = 0; s < 2; s++) {
      for (let t = 0; t < 120; t++) {
        if (t < 110 && random() < 0.15) continue;
        rows.push({ Week: weekIso(t), Store: `s${s}`, Quantity: (t % 2 === 0 ? 300 : 100) * (s + 1) });
      }
    }
    const params = {
      timeColumn: "Week",
      seriesColumns: ["Store"],
      target: "Quantity",
      horizon: 4,
      lags: [1, 2],
      ...QUICK,
      epochs: 80,
      earlyStoppingPatience: 10,
    };
    const forecaster = await trainForecaster({ rows, params });
    const { backtest } = forecaster;
    expect(backtest.metrics.wape).toBeLessThan(0.4 * backtest.baselines.lastValue.wape);

    // Week 119 (odd, low) is the last of the data; 120 is even (high), 121 odd (low).
    const [w120, w121, w122] = forecaster.predict([120, 121, 122].map((t) => ({ Week: weekIso(t), Store: "s0" })));
    expect(w120).toBeGreaterThan(2 * w121);
    expect(w122).toBeGreaterThan(2 * w121);
    // The tail keeps the last 52 weeks by time (the seasonal lag's reach), gaps and all: not the last 52 rows.
    const observed = rows.filter((r) => r.Store === "s1" && (r.Week as string) >= weekIso(120 - 52)).map((r) => r.Week);
    const tail = forecaster.seriesTails[seriesKey({ Store: "s1" }, ["Store"])];
    expect(tail.map((p) => p.time)).toEqual(observed);
    expect(tail.length).toBeLessThan(52);

    const again = await trainForecaster({ rows, params });
    expect(again.history).toEqual(forecaster.history);
    expect(again.backtest.metrics).toEqual(backtest.metrics);
    forecaster.dispose();
    again.dispose();
  });

  it("forecasts the next horizon after newer history it is given, using known-ahead values the rows supply", async () => {
    // Alternating sales; the model sees weeks 0–109, the batch brings weeks 110–119 as new history.
    const rows: Row[] = [];
    for (let s = 0; s < 2; s++)
      for (let t = 0; t < 120; t++) rows.push({ Week: weekIso(t), Store: `s${s}`, Quantity: (t % 2 === 0 ? 300 : 100) * (s + 1), Price: 2 });
    const forecaster = await trainForecaster({
      rows: rows.filter((r) => Date.parse(String(r.Week)) < START_MS + 110 * WEEK_MS),
      params: {
        timeColumn: "Week",
        seriesColumns: ["Store"],
        target: "Quantity",
        exogenous: ["Price"],
        horizon: 4,
        lags: [1, 2],
        ...QUICK,
        epochs: 80,
        earlyStoppingPatience: 10,
      },
    });
    const newer = rows.filter((r) => Date.parse(String(r.Week)) >= START_MS + 110 * WEEK_MS);
    const known = { Week: weekIso(121), Store: "s0", Price: 2.5, Quantity: null };
    const out = forecaster.forecastAhead([...newer, known]);
    expect(out).toHaveLength(2 * 4);
    const s0 = out.filter((r) => r.Store === "s0");
    // The periods after the newest history (week 119), not after the stored tail (week 109).
    expect(s0.map((r) => r.Week)).toEqual([120, 121, 122, 123].map(weekIso));
    expect(s0[1].Price).toBe(2.5);
    expect(s0[2].Price).toBeNull();
    const [w120, w121] = s0.map((r) => r.prediction as number);
    expect(w120).toBeGreaterThan(2 * w121);
    // Without history in the rows, the stored tails are the history: the same as predict().
    const future = [110, 111].map((t) => ({ Week: weekIso(t), Store: "s1", Price: 2 }));
    const fromTails = forecaster.forecastAhead(future, 2).map((r) => r.prediction);
    expect(fromTails).toEqual(forecaster.predict(future));
  });

  it("refuses a horizon the data is too short for, naming the param", async () => {
    const rows = promoRows(20, 1);
    await expect(trainForecaster({ rows, params: { timeColumn: "Week", target: "Quantity", horizon: 12 } })).rejects.toMatchObject({
      code: "VALIDATION",
      errors: [expect.objectContaining({ field: "params.horizon" })],
    });
    await expect(trainForecaster({ rows, params: { timeColumn: "Week", target: "Missing" } })).rejects.toMatchObject({ code: "VALIDATION" });
  });
});
