/**
 * How many rows a run trains on at most (browser-safe: the train form shows it). A version with
 * more trains on a seeded sample of this many rows (the same rows for the same seed, in file
 * order), so a 10,000,000-row table trains in the worker's memory; the run records the sample
 * (details.sample) and the person can change the size per run (`sampleRows`).
 */
export const DEFAULT_TRAIN_SAMPLE_ROWS = 250_000;
export const MIN_TRAIN_SAMPLE_ROWS = 100;
export const MAX_TRAIN_SAMPLE_ROWS = 5_000_000;
