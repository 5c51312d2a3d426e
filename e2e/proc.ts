/**
 * The processes of an app a test or the soak (bench/soak.ts) started, from /proc: its children
 * with their command lines, and whether any of its process group is left.
 */
import fs from "node:fs";
import { procStat } from "@/lib/shared/server/proc";

export { gone } from "@/lib/shared/server/proc";

/** The pids of `pid`'s children. */
export function childPids(pid: number): number[] {
  // /proc/<pid>/task/*/children where the kernel has it; else every process's parent from /proc/*/stat.
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return allPids().filter((p) => procStat(p)?.ppid === pid);
  }
}

/** A process's command line, its arguments split (empty once it is gone). */
export function commandLine(pid: number): string[] {
  try {
    // Split on spaces too: a process that set process.title has its whole command line as one string.
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/).filter(Boolean);
  } catch {
    return [];
  }
}

/** Whether any process of the group still runs (zombies aside). */
export function groupAlive(pgid: number): boolean {
  return allPids().some((p) => {
    const stat = procStat(p);
    return stat?.pgrp === pgid && stat.state !== "Z";
  });
}

const allPids = () =>
  fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
