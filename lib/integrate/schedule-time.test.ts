import { describe, expect, it } from "vitest";
import { canonicalTimezone, checkCron, nextRunAfter, nextRunsAfter, planTick, type TickInput } from "./schedule-time";

const at = (iso: string) => new Date(iso);
const fieldsOf = (r: ReturnType<typeof checkCron>) => r.errors.map((e) => e.field);

describe("checkCron", () => {
  it("accepts five fields and nicknames, and canonicalises the zone", () => {
    expect(checkCron("0 6 * * 1", "Europe/London")).toEqual({ errors: [], timezone: "Europe/London" });
    expect(checkCron("*/15 8-18 * * mon-fri", "UTC").errors).toEqual([]);
    expect(checkCron("@weekly", "UTC").errors).toEqual([]);
    expect(checkCron("0 6 * * 1", "europe/london").timezone).toBe("Europe/London");
  });

  it("names the cron field for an out-of-range minute, a wrong field count or garbage", () => {
    expect(fieldsOf(checkCron("61 * * * *", "UTC"))).toEqual(["cron"]);
    expect(checkCron("61 * * * *", "UTC").errors[0].message).toMatch(/minute/);
    expect(fieldsOf(checkCron("* * * *", "UTC"))).toEqual(["cron"]);
    expect(fieldsOf(checkCron("*/5 * * * * *", "UTC"))).toEqual(["cron"]);
    expect(fieldsOf(checkCron("every monday", "UTC"))).toEqual(["cron"]);
    expect(fieldsOf(checkCron("0 25 * * *", "UTC"))).toEqual(["cron"]);
  });

  it("names the timezone field for an unknown zone, and both fields when both are bad", () => {
    expect(fieldsOf(checkCron("0 6 * * 1", "Mars/Olympus_Mons"))).toEqual(["timezone"]);
    expect(fieldsOf(checkCron("61 * * * *", "Nowhere"))).toEqual(["timezone", "cron"]);
    expect(canonicalTimezone("")).toBeNull();
  });
});

describe("nextRunAfter in a time zone", () => {
  it("keeps 06:00 London time across the spring DST change (GMT → BST)", () => {
    // Clocks go forward on Sunday 29 March 2026: Monday 23 March is GMT, Monday 30 March BST.
    const runs = nextRunsAfter("0 6 * * 1", "Europe/London", at("2026-03-20T12:00:00Z"), 3);
    expect(runs.map((d) => d.toISOString())).toEqual(["2026-03-23T06:00:00.000Z", "2026-03-30T05:00:00.000Z", "2026-04-06T05:00:00.000Z"]);
  });

  it("and across the autumn change (BST → GMT)", () => {
    // Clocks go back on Sunday 25 October 2026.
    expect(nextRunAfter("0 6 * * 1", "Europe/London", at("2026-10-20T00:00:00Z"))!.toISOString()).toBe("2026-10-26T06:00:00.000Z");
    expect(nextRunAfter("0 6 * * 1", "Europe/London", at("2026-10-15T00:00:00Z"))!.toISOString()).toBe("2026-10-19T05:00:00.000Z");
  });

  it("is strictly after the reference time", () => {
    expect(nextRunAfter("0 6 * * 1", "UTC", at("2026-03-23T06:00:00Z"))!.toISOString()).toBe("2026-03-30T06:00:00.000Z");
  });

  it("reads the hours in the schedule's zone, not the server's", () => {
    expect(nextRunAfter("30 9 * * *", "America/New_York", at("2026-07-01T00:00:00Z"))!.toISOString()).toBe("2026-07-01T13:30:00.000Z");
    expect(nextRunAfter("30 9 * * *", "Asia/Tokyo", at("2026-07-01T00:00:00Z"))!.toISOString()).toBe("2026-07-01T00:30:00.000Z");
  });
});

describe("planTick", () => {
  const weekly: TickInput = { enabled: true, cron: "0 6 * * 1", timezone: "Europe/London", nextRunAt: at("2026-03-23T06:00:00Z"), previousActive: false };

  it("waits until nextRunAt, and does nothing while disabled", () => {
    expect(planTick(weekly, at("2026-03-23T05:59:59Z"))).toEqual({ action: "wait" });
    expect(planTick({ ...weekly, enabled: false }, at("2026-04-23T00:00:00Z"))).toEqual({ action: "wait" });
    expect(planTick({ ...weekly, nextRunAt: null }, at("2026-04-23T00:00:00Z"))).toEqual({ action: "wait" });
  });

  it("runs once when due, with the next run the following slot", () => {
    expect(planTick(weekly, at("2026-03-23T06:00:10Z"))).toEqual({ action: "run", nextRunAt: at("2026-03-30T05:00:00Z") });
  });

  it("runs a schedule missed for weeks once, then resumes at the first slot after now (not the next missed one)", () => {
    // The server was down from 20 March to Wednesday 15 April: three Mondays were missed.
    const now = at("2026-04-15T10:00:00Z");
    const first = planTick(weekly, now);
    expect(first).toEqual({ action: "run", nextRunAt: at("2026-04-20T05:00:00Z") });
    // The next tick, seconds later, sees the new nextRunAt and waits: one run, not three.
    if (first.action !== "run") throw new Error("expected a run");
    expect(planTick({ ...weekly, nextRunAt: first.nextRunAt }, at("2026-04-15T10:00:15Z"))).toEqual({ action: "wait" });
  });

  it("skips a due slot while the previous job is still queued or running, moving on to the next", () => {
    expect(planTick({ ...weekly, previousActive: true }, at("2026-03-23T06:00:10Z"))).toEqual({ action: "skip", nextRunAt: at("2026-03-30T05:00:00Z") });
  });
});
