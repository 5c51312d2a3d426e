import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gone, identityAlive, processIdentity, procStat } from "./proc";

describe("process identities", () => {
  it("name one process: alive while it runs, not once it exited, nor for its pid with another start", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("spawn", resolve));
    const identity = processIdentity(child.pid);
    expect(identity).toMatch(new RegExp(`^${child.pid}@\\d+$`));
    expect(procStat(child.pid!)?.ppid).toBe(process.pid);
    expect(identityAlive(identity)).toBe(true);
    expect(identityAlive(`${child.pid}@1`)).toBe(false);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    expect(gone(child.pid!)).toBe(true);
    expect(identityAlive(identity)).toBe(false);
  });

  it("a pid alone (no /proc where it was recorded) is checked by signal 0; what is no pid is never alive", () => {
    expect(identityAlive(String(process.pid))).toBe(true);
    // Signal 0 to pid 0 would reach this whole process group: "alive" for any record that says 0.
    for (const bad of ["0", "", "-1", "x@1", "@"]) expect(identityAlive(bad), bad).toBe(false);
  });
});
