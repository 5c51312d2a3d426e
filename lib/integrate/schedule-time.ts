import { Cron } from "croner";
import type { FieldError } from "@/lib/shared/errors";

/**
 * Cron handling of schedules, with croner doing the parsing and the time-zone arithmetic: which
 * expressions and zones are accepted, when a schedule runs next, and what a scheduler tick does
 * with a schedule (pure, so the missed-run and no-overlap rules are tested without a clock).
 */

/** Five fields (minute hour day-of-month month day-of-week) or a nickname such as "@weekly". */
const CRON_FIELDS = 5;
export const DEFAULT_TIMEZONE = "UTC";

/** The canonical name of an IANA time zone ("europe/london" → "Europe/London"), or null when unknown. */
export function canonicalTimezone(tz: string): string | null {
  if (!tz.trim()) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz.trim() }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function compile(cron: string, timezone: string): Cron {
  return new Cron(cron, { timezone, paused: true });
}

/**
 * Checks a cron expression and a time zone; returns the field errors (empty when both are good)
 * and the canonical zone. Seconds are not offered: the scheduler looks every few seconds only.
 */
export function checkCron(cron: string, timezone: string): { errors: FieldError[]; timezone: string | null } {
  const errors: FieldError[] = [];
  const tz = canonicalTimezone(timezone);
  if (!tz) errors.push({ field: "timezone", message: `unknown time zone ${JSON.stringify(timezone)}; use an IANA name such as "Europe/London" or "UTC"` });
  const text = cron.trim();
  const fields = text.split(/\s+/).filter(Boolean);
  if (!text.startsWith("@") && fields.length !== CRON_FIELDS) {
    errors.push({
      field: "cron",
      message: `a cron expression has ${CRON_FIELDS} fields (minute hour day-of-month month day-of-week), this one has ${fields.length}`,
    });
  } else {
    try {
      compile(text, tz ?? DEFAULT_TIMEZONE);
    } catch (e) {
      errors.push({ field: "cron", message: `invalid cron expression: ${(e as Error).message.replace(/^CronPattern: /, "")}` });
    }
  }
  return { errors, timezone: tz };
}

/** The first time strictly after `after` that the expression names, in `timezone`; null if it names none. */
export function nextRunAfter(cron: string, timezone: string, after: Date): Date | null {
  return compile(cron.trim(), timezone).nextRun(after);
}

/** The next `n` run times after `after`. */
export function nextRunsAfter(cron: string, timezone: string, after: Date, n: number): Date[] {
  return compile(cron.trim(), timezone).nextRuns(n, after);
}

export interface TickInput {
  enabled: boolean;
  cron: string;
  timezone: string;
  nextRunAt: Date | null;
  /** Whether a job this schedule queued earlier is still queued or running. */
  previousActive: boolean;
}

export type TickDecision =
  /** Not due yet (or disabled): nothing to do. */
  | { action: "wait" }
  /** Due: queue one job, and move nextRunAt past `now`. */
  | { action: "run"; nextRunAt: Date | null }
  /** Due, but the previous job still runs: no overlap, this slot is skipped. */
  | { action: "skip"; nextRunAt: Date | null };

/**
 * What a scheduler tick does with one schedule at `now`. However many slots passed since
 * `nextRunAt` (a server that was down for a week), a due schedule runs once, and its next run
 * is the first slot after `now`, not the next missed one.
 */
export function planTick(s: TickInput, now: Date): TickDecision {
  if (!s.enabled || !s.nextRunAt || s.nextRunAt.getTime() > now.getTime()) return { action: "wait" };
  const nextRunAt = nextRunAfter(s.cron, s.timezone, now);
  return s.previousActive ? { action: "skip", nextRunAt } : { action: "run", nextRunAt };
}
