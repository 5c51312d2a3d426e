import { describe, expect, it } from "vitest";
import { newId } from "@/lib/shared/ids";
import { cachedRead } from "./read-cache";

/** A computation that ends when the test says, noting when it started and ended. */
function gated(log: string[], name: string) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return {
    open,
    compute: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
      return name;
    },
  };
}

describe("reads of one key while its computation runs", () => {
  it("share one follow-up computation, started when the running one ends, with the latest read's compute", async () => {
    const key = `coalesce:${newId("x")}`;
    const log: string[] = [];
    const a = gated(log, "a");
    const b = gated(log, "b");
    const c = gated(log, "c");
    const first = cachedRead(key, "1", a.compute);
    // Reads with new rows in the window meanwhile: three polls, two of them with the same signature.
    const second = cachedRead(key, "2", b.compute);
    const third = cachedRead(key, "3", c.compute);
    const fourth = cachedRead(key, "3", c.compute);
    await expect.poll(() => log).toEqual(["start a"]);
    c.open();
    a.open();
    expect(await first).toBe("a");
    expect(await Promise.all([second, third, fourth])).toEqual(["c", "c", "c"]);
    // b never ran: one follow-up, begun after the running computation (and every read) began.
    expect(log).toEqual(["start a", "end a", "start c", "end c"]);
    // The follow-up's answer is kept under the latest signature.
    expect(await cachedRead(key, "3", async () => "again")).toBe("c");
  });

  it("a read with the running computation's own signature shares it", async () => {
    const key = `coalesce-same:${newId("x")}`;
    const log: string[] = [];
    const a = gated(log, "a");
    const first = cachedRead(key, "1", a.compute);
    const second = cachedRead(key, "1", async () => "other");
    a.open();
    expect(await Promise.all([first, second])).toEqual(["a", "a"]);
  });

  it("a failed computation still starts the follow-up, and is not kept", async () => {
    const key = `coalesce-fail:${newId("x")}`;
    const failing = cachedRead(key, "1", async () => {
      throw new Error("boom");
    });
    const next = cachedRead(key, "2", async () => "ok");
    await expect(failing).rejects.toThrow("boom");
    expect(await next).toBe("ok");
    expect(await cachedRead(key, "1", async () => "fresh")).toBe("fresh");
  });
});
