import { afterEach, describe, expect, it, vi } from "vitest";
import { runEvery, stopEvery } from "./every";

afterEach(() => {
  stopEvery("unit-rounds");
  vi.useRealTimers();
});

describe("runEvery", () => {
  it("runs a round every interval, never two at once, once per name, and goes on after a round fails", async () => {
    vi.useFakeTimers();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    let started = 0;
    let finish: (() => void) | null = null;
    const round = () => {
      started++;
      if (started === 2) throw new Error("round 2 fails");
      return new Promise<void>((resolve) => (finish = resolve));
    };
    runEvery("unit-rounds", 100, round);
    runEvery("unit-rounds", 100, round); // started again: still one timer
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(1);
    // The first round still runs: the ticks meanwhile are skipped.
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toBe(1);
    finish!();
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(2);
    expect(logged.mock.calls.some(([m]) => String(m).includes("[unit-rounds] a round failed"))).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(3);
    logged.mockRestore();
  });

  it("runs the first round at once when asked", async () => {
    let started = 0;
    runEvery("unit-rounds", 60_000, () => void started++, { now: true });
    await vi.waitFor(() => expect(started).toBe(1));
  });
});
