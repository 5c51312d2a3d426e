import { describe, expect, it } from "vitest";
import { afterExit, freshRestartState, RESTART_POLICY, type RestartDecision } from "./restart-policy.mjs";

const policy = { firstDelayMs: 0, backoffMs: 500, maxDelayMs: 4000, stableMs: 30_000, windowMs: 60_000, maxCrashes: 5 };

/** Exits at the given times (ms), each after running `ranMs`; the decisions taken. */
function exits(times: number[], ranMs = 100): RestartDecision[] {
  let state = freshRestartState();
  return times.map((t) => {
    const d = afterExit(state, { startedAt: t - ranMs, exitedAt: t }, policy);
    state = d.state;
    return d;
  });
}

describe("the supervisor's restart policy", () => {
  it("restarts the first exit at once, then backs off exponentially up to a cap", () => {
    const many = { ...policy, maxCrashes: 100 };
    let state = freshRestartState();
    const delays = Array.from({ length: 6 }, (_, i) => {
      const d = afterExit(state, { startedAt: i * 20_000, exitedAt: i * 20_000 + 100 }, many);
      state = d.state;
      return d.restart ? d.delayMs : -1;
    });
    expect(delays).toEqual([0, 500, 1000, 2000, 4000, 4000]);
  });

  it("gives up at the fifth exit within a minute", () => {
    const decisions = exits([1000, 2000, 3000, 4000, 5000]);
    expect(decisions.slice(0, 4).every((d) => d.restart)).toBe(true);
    expect(decisions[4]).toMatchObject({ restart: false, crashes: 5 });
  });

  it("forgets exits older than the window", () => {
    // Five exits, but never five within 60 s.
    const decisions = exits([0, 20_000, 40_000, 59_000, 61_000, 81_000]);
    expect(decisions.every((d) => d.restart)).toBe(true);
  });

  it("a child that ran stably before it exited is restarted at once again", () => {
    let state = freshRestartState();
    const first = afterExit(state, { startedAt: 0, exitedAt: 100 }, policy);
    state = first.state;
    const second = afterExit(state, { startedAt: 100, exitedAt: 200 }, policy);
    state = second.state;
    expect(second).toMatchObject({ restart: true, delayMs: 500 });
    const afterStable = afterExit(state, { startedAt: 1000, exitedAt: 1000 + policy.stableMs }, policy);
    expect(afterStable).toMatchObject({ restart: true, delayMs: 0 });
  });

  it("the app's policy restarts the first exit at once and gives up within a minute", () => {
    expect(RESTART_POLICY.firstDelayMs).toBe(0);
    expect(RESTART_POLICY.windowMs).toBeLessThanOrEqual(60_000);
  });
});
