import fs from "node:fs";

/**
 * Processes as Linux's /proc shows them: who is whose child, and whether the process that claimed
 * a job or a run still runs (a worker that starts must not take work from one that is alive).
 * Where there is no /proc (macOS), what can be known without it.
 */

export interface ProcStat {
  /** R, S, D, Z (a zombie: exited, not yet reaped) … */
  state: string;
  ppid: number;
  pgrp: number;
  /** When it started, in clock ticks after boot: with the pid, names one process (pids are reused). */
  start: string;
}

/** The fields of /proc/<pid>/stat that say who a process is, or null when it is gone (or there is no /proc). */
export function procStat(pid: number): ProcStat | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The fields after the command name (which may hold spaces and parentheses): state, ppid, pgrp, …, starttime (the 20th).
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] };
}

/** Whether `pid` names no running process (gone, or a zombie its parent has not reaped yet). */
export function gone(pid: number): boolean {
  const stat = procStat(pid);
  return !stat || stat.state === "Z";
}

/** This process as other processes can check it is still the same one: "pid@start", or "pid" where there is no /proc. */
export function processIdentity(pid = process.pid): string {
  const stat = procStat(pid);
  return stat ? `${pid}@${stat.start}` : String(pid);
}

/** Whether the process `identity` (processIdentity's) still runs: not when its pid is gone or now names a process started later. */
export function identityAlive(identity: string): boolean {
  const [pidText, start] = identity.split("@");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (start !== undefined) {
    const stat = procStat(pid);
    return !!stat && stat.state !== "Z" && stat.start === start;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
