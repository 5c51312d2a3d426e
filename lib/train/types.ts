/**
 * Browser-safe types of the "train" step, shared by every model. A model turns the rows a
 * fitted recipe produced (numbers, 0/1 one-hot columns, the target) into predictions.
 */

/** One line of a learning curve. */
export interface EpochLog {
  epoch: number;
  loss: number;
  valLoss?: number;
  /** Validation metrics measured at this epoch, when the model computes them. */
  metrics?: Record<string, number>;
}

export interface TrainCallbacks {
  /** Called after every epoch; awaiting it lets a UI draw and a worker report progress. */
  onEpoch?(log: EpochLog, totalEpochs: number): void | Promise<void>;
  /** Polled between batches/epochs; true stops training early (a user pressed Stop). */
  shouldStop?(): boolean;
}

/** Metric name → value, names as the REST contract fixes them (r2, rmse, mae, mape, accuracy, f1Macro, logLoss, auc, wape, hitRate, ndcg, coverage). */
export type Metrics = Record<string, number>;

export type ClassPrediction = { label: string; probabilities: Record<string, number> };
export type Recommendation = { itemId: string; score: number };
