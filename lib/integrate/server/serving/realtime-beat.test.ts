import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/shared/env";
import { realtimeBeat, realtimeLoad } from "./realtime-beat";

const file = () => path.join(env.dataDir, "realtime.beat");

describe("the real-time beat", () => {
  it("says how busy the web server is while requests come in, and nothing once they stop", async () => {
    fs.mkdirSync(env.dataDir, { recursive: true });
    fs.rmSync(file(), { force: true });
    expect(realtimeLoad()).toBe(0);
    realtimeBeat();
    // The write is asynchronous: wait for the file.
    await expect.poll(() => fs.existsSync(file())).toBe(true);
    await expect.poll(() => fs.readFileSync(file(), "utf8")).not.toBe("");
    // The first beat after a quiet spell counts as fully busy.
    expect(realtimeLoad()).toBe(1);
    // A second later without another request: no traffic.
    expect(realtimeLoad(Date.now() + 1500)).toBe(0);
  });

  it("reads a damaged file as no traffic", () => {
    fs.mkdirSync(env.dataDir, { recursive: true });
    fs.writeFileSync(file(), "not a number");
    expect(realtimeLoad()).toBe(0);
    fs.writeFileSync(file(), "7");
    expect(realtimeLoad()).toBe(1);
  });
});
