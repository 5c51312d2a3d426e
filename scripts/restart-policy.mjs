// When the supervisor (launch.mjs) starts a child that exited again, and when it gives up: pure, so
// it is tested without processes.

/** @typedef {{ firstDelayMs: number, backoffMs: number, maxDelayMs: number, stableMs: number, windowMs: number, maxCrashes: number }} RestartPolicy */
/** @typedef {{ crashes: number[], streak: number }} RestartState */
/** @typedef {{ restart: true, delayMs: number, state: RestartState } | { restart: false, crashes: number, state: RestartState }} RestartDecision */

/** @type {RestartPolicy} */
export const RESTART_POLICY = {
  // The first restart at once: a killed web server must be serving again within seconds.
  firstDelayMs: 0,
  // Then this, doubled with each exit in a row, up to maxDelayMs.
  backoffMs: 500,
  maxDelayMs: 10_000,
  // A child that ran this long before it exited was stable: its next restart is fast again.
  stableMs: 30_000,
  // This many exits within the window: something is wrong that restarting does not fix.
  windowMs: 60_000,
  maxCrashes: 5,
};

/** @returns {RestartState} */
export const freshRestartState = () => ({ crashes: [], streak: 0 });

/**
 * What to do about a child that exited on its own (not during a stop): start it again after a
 * delay that doubles with each exit in a row, or give up when it exited `maxCrashes` times
 * within `windowMs`.
 * @param {RestartState} state
 * @param {{ startedAt: number, exitedAt: number }} run
 * @param {RestartPolicy} [policy]
 * @returns {RestartDecision}
 */
export function afterExit(state, run, policy = RESTART_POLICY) {
  const crashes = [...state.crashes.filter((t) => run.exitedAt - t < policy.windowMs), run.exitedAt];
  const streak = run.exitedAt - run.startedAt >= policy.stableMs ? 0 : state.streak;
  const next = { crashes, streak: streak + 1 };
  if (crashes.length >= policy.maxCrashes) return { restart: false, crashes: crashes.length, state: next };
  const delayMs = streak === 0 ? policy.firstDelayMs : Math.min(policy.backoffMs * 2 ** (streak - 1), policy.maxDelayMs);
  return { restart: true, delayMs, state: next };
}
