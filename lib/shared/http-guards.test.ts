import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./errors";
import { isJsonContentType, MAX_NO_BODY_BYTES, readJson, readJsonOptional, readNoBody } from "./http";

/** A POST with `body` bytes; `type` null sends no content type at all, `length` a declared content-length. */
function post(body: string | Uint8Array | ReadableStream<Uint8Array> | null, type: string | null = "application/json", length?: number): Request {
  const headers: Record<string, string> = {};
  if (type !== null) headers["content-type"] = type;
  if (length !== undefined) headers["content-length"] = String(length);
  // A Uint8Array body gets no content type of its own (a string would be text/plain).
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return new Request("http://x/api", { method: "POST", body: bytes, headers, ...(bytes instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);
}

/** A body of `size` bytes streamed in 64 KiB pieces (no declared length); `pulled()` counts the bytes read from it. */
function streamed(size: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const piece = new Uint8Array(64 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(piece.length, size - sent);
      sent += n;
      controller.enqueue(piece.subarray(0, n));
    },
  });
  return { body, pulled: () => sent };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );

describe("isJsonContentType: JSON means JSON", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;charset=UTF-8",
    " application/json ",
    "application/merge-patch+json",
    "application/vnd.workbench.v1+json; charset=utf-8",
    "application/problem+json",
  ])("accepts %j", (type) => expect(isJsonContentType(type)).toBe(true));

  it.each([
    null,
    "",
    "text/plain;charset=json",
    "text/plain; charset=json",
    "text/json",
    "text/x+json",
    "application/x-www-form-urlencoded; json=1",
    "multipart/form-data; boundary=json",
    "application/jsonl",
    "application/json-seq",
    "application/x-ndjson",
    "application/json charset=utf-8",
    "application/+json",
    "json",
  ])("refuses %j", (type) => expect(isJsonContentType(type)).toBe(false));
});

describe("readJson refuses what is not declared JSON", () => {
  const schema = z.object({ name: z.string() });

  it.each([
    ["text/plain;charset=json", "text/plain"],
    ["text/plain", "text/plain"],
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded"],
    [null, "no content type"],
  ])("%j → 415 naming content-type", async (type, said) => {
    const e = await refusal(readJson(post('{"name":"a"}', type), schema));
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", errors: [{ field: "content-type" }] });
    expect(e!.message).toContain(said);
  });

  it("reads application/json with parameters and any +json type", async () => {
    expect(await readJson(post('{"name":"a"}', "Application/JSON; charset=utf-8"), schema)).toEqual({ name: "a" });
    expect(await readJson(post('{"name":"b"}', "application/merge-patch+json"), schema)).toEqual({ name: "b" });
  });
});

describe("readJsonOptional", () => {
  const schema = z.object({ slot: z.string() }).strict();

  it("reads no body, an empty one or white space as undefined, whatever the content type", async () => {
    expect(await readJsonOptional(post(null, null), schema)).toBeUndefined();
    expect(await readJsonOptional(post("", null, 0), schema)).toBeUndefined();
    expect(await readJsonOptional(post("", "text/plain"), schema)).toBeUndefined();
    expect(await readJsonOptional(post(" \n", "application/json"), schema)).toBeUndefined();
  });

  it("reads a JSON body", async () => {
    expect(await readJsonOptional(post('{"slot":"primary"}'), schema)).toEqual({ slot: "primary" });
  });

  it("refuses a body of another or no content type: 415 naming content-type", async () => {
    for (const [type, length] of [
      ["text/plain;charset=json", 18],
      ["text/plain", undefined],
      [null, 18],
      [null, undefined],
    ] as const) {
      const e = await refusal(readJsonOptional(post('{"slot":"primary"}', type, length), schema));
      expect(e, `${type} ${length}`).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", errors: [{ field: "content-type" }] });
    }
  });
});

describe("readNoBody: a route that takes no body refuses one", () => {
  it("accepts no body, an empty one, white space or {} as JSON", async () => {
    await expect(readNoBody(post(null, null))).resolves.toBeUndefined();
    await expect(readNoBody(post("", null, 0))).resolves.toBeUndefined();
    await expect(readNoBody(post("", "application/xml"))).resolves.toBeUndefined();
    await expect(readNoBody(post("", "application/json"))).resolves.toBeUndefined();
    await expect(readNoBody(post(" \r\n", "application/json"))).resolves.toBeUndefined();
    await expect(readNoBody(post("{}", "application/json", 2))).resolves.toBeUndefined();
    await expect(readNoBody(post(" { } \n", "application/json; charset=utf-8"))).resolves.toBeUndefined();
  });

  it("a body that is not JSON → 415 naming content-type, declared or streamed", async () => {
    for (const [body, type, length] of [
      ["<retrain/>", "application/xml", 10],
      ["<retrain/>", "application/xml", undefined],
      ["{}", "text/plain;charset=json", 2],
      ["{}", null, 2],
      ["{}", null, undefined],
      ["a=1", "application/x-www-form-urlencoded", 3],
    ] as const) {
      const e = await refusal(readNoBody(post(body, type, length)));
      expect(e, `${type} ${length}`).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", errors: [{ field: "content-type" }] });
    }
  });

  it("JSON other than {} → 422 naming body; malformed JSON → 400 naming body", async () => {
    for (const body of ['{"algorithm":"mlp"}', "[]", "null", "0", '"x"', "{}{}"]) {
      const e = await refusal(readNoBody(post(body)));
      expect(e, body).toMatchObject({ code: body === "{}{}" ? "BAD_REQUEST" : "VALIDATION", errors: [{ field: "body" }] });
    }
  });

  it("a declared body past the limit → 413 naming body, before reading it", async () => {
    const big = streamed(20 * 1024 * 1024);
    const e = await refusal(readNoBody(post(big.body, "application/json", 20 * 1024 * 1024)));
    expect(e).toMatchObject({ code: "TOO_LARGE", errors: [{ field: "body" }] });
    expect(big.pulled()).toBeLessThanOrEqual(2 * 64 * 1024);
  });

  it("a streamed body past the limit → 413 naming body, drained (so the client reads the answer) but not kept", async () => {
    for (const type of ["application/json", "application/xml", null]) {
      const big = streamed(20 * 1024 * 1024);
      const e = await refusal(readNoBody(post(big.body, type)));
      expect(e, String(type)).toMatchObject({ code: "TOO_LARGE", errors: [{ field: "body" }] });
      expect(big.pulled()).toBe(20 * 1024 * 1024);
    }
    const over = await refusal(readNoBody(post(" ".repeat(MAX_NO_BODY_BYTES - 2) + "{}  ")));
    expect(over).toMatchObject({ code: "TOO_LARGE" });
  });
});
