import { executeRun } from "./execute";
import { claimNextRun, failInterruptedRuns } from "./runs";

/**
 * Training runs (and sweep trials) as a kind of work for the workers, which lib/worker/kinds.ts
 * registers on the training lane: claimed fairly between projects, trained to the end or to the
 * epoch at which the worker stops.
 */
export const runWork = {
  noun: "run",
  /** Runs a dead training worker left running can never finish (another live worker's stay its). */
  recover(): string | undefined {
    const interrupted = failInterruptedRuns();
    return interrupted ? `marked ${interrupted} interrupted run(s) failed` : undefined;
  },
  claim: claimNextRun,
  run: executeRun,
};
