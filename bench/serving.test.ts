import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { processRole, trackGroupPeaks } from "./serving";

describe("trackGroupPeaks", () => {
  it("finds the peak memory of a process of the group, and that it exited", async () => {
    // A process in a group of its own that takes 150 MiB, says so, and waits for stdin to close.
    const child = spawn(
      process.execPath,
      ["-e", "const b = Buffer.alloc(150 * 1024 * 1024, 1); console.log('ready'); process.stdin.on('end', () => process.exit(0)); process.stdin.resume();"],
      {
        detached: true,
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const tracker = trackGroupPeaks(child.pid!, 50);
    await once(child.stdout!, "data");
    // Read once the memory is taken: an interval's read may have come just before.
    tracker.sample();
    child.stdin!.end();
    await once(child, "exit");
    const peaks = tracker.stop();
    expect(peaks).toHaveLength(1);
    expect(peaks[0].pid).toBe(child.pid);
    expect(peaks[0].peakMb).toBeGreaterThan(150);
    expect(peaks[0].exited).toBe(true);
  });
});

describe("processRole", () => {
  it("names the processes scripts/launch.mjs starts", () => {
    expect(processRole("node --max-semi-space-size=32 --import tsx scripts/server.ts -p 3198")).toBe("web server");
    expect(processRole("node --import tsx scripts/server.ts -p 3198 --standby")).toBe("standby web server");
    expect(processRole("node --import tsx scripts/worker.ts --lane train")).toBe("training worker");
    expect(processRole("node --import tsx scripts/worker.ts --lane batch")).toBe("batch worker");
    expect(processRole("node_modules/@esbuild/linux-x64/bin/esbuild --service=0.28.2 --ping")).toBe("esbuild");
  });
});
