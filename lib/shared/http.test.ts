import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./errors";
import { errorResponse, MAX_JSON_BYTES, noSuchRoute, otherMethods, queryInt, queryTime, readChunksLimited, readJson } from "./http";

const post = (body: BodyInit, type = "application/json") => new Request("http://x/api", { method: "POST", body, headers: { "content-type": type } });

describe("problem details", () => {
  it("maps typed errors to their status with RFC 9457 fields", async () => {
    const res = errorResponse(new AppError("NOT_FOUND", 'Project "p" does not exist.'));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = await res.json();
    expect(body).toMatchObject({ title: "Not found", status: 404, detail: 'Project "p" does not exist.' });
    expect(body.type).toMatch(/not-found$/);
  });

  it("answers a path no route serves with a 404 naming the method and path", async () => {
    const res = noSuchRoute(new Request("http://localhost/v2/models/x/nosuch?q=1", { method: "PATCH" }));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 404, detail: "No API route PATCH /v2/models/x/nosuch.", errors: [{ field: "path" }] });
  });

  it("answers a method a route does not serve with a 405 and Allow", async () => {
    const res = otherMethods("POST", "OPTIONS").GET(new Request("http://localhost/x"));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    expect(await res.json()).toMatchObject({ status: 405, errors: [{ field: "method" }] });
  });

  it("answers a foreign key broken by a concurrent delete as a 409 conflict, not a 500", async () => {
    const db = new Database(":memory:");
    db.pragma("foreign_keys = ON");
    db.exec("CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (id TEXT, parent_id TEXT REFERENCES parent(id))");
    let thrown: unknown;
    try {
      db.prepare("INSERT INTO child VALUES ('c', 'gone')").run();
    } catch (e) {
      thrown = e;
    }
    const res = errorResponse(thrown);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: 409, title: "Conflict" });
  });

  it("hides internal messages of unexpected errors", async () => {
    const res = errorResponse(new Error("secret path /etc/x"));
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain("secret");
  });
});

describe("readJson", () => {
  const schema = z.object({ name: z.string(), steps: z.array(z.object({ op: z.string() })) });

  it("parses a valid body", async () => {
    expect(await readJson(post('{"name":"a","steps":[]}'), schema)).toEqual({ name: "a", steps: [] });
  });

  it("answers malformed JSON with 400 naming the body", async () => {
    const e = await readJson(post("{nope"), schema).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe("BAD_REQUEST");
    expect(e.errors[0].field).toBe("body");
  });

  it("names nested fields of invalid input", async () => {
    const e = await readJson(post('{"name":"a","steps":[{"op":1}]}'), schema).catch((x) => x);
    expect(e.code).toBe("VALIDATION");
    expect(e.errors[0].field).toBe("steps.0.op");
  });

  it("refuses other content types and oversized bodies", async () => {
    expect((await readJson(post("a,b", "text/csv"), schema).catch((x) => x)).code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const big = JSON.stringify({ name: "x".repeat(MAX_JSON_BYTES), steps: [] });
    expect((await readJson(post(big), schema).catch((x) => x)).code).toBe("TOO_LARGE");
  });

  it("refuses an empty body", async () => {
    expect((await readJson(post(""), schema).catch((x) => x)).code).toBe("BAD_REQUEST");
  });
});

describe("queryInt", () => {
  const url = new URL("http://x/?offset=5&limit=abc&big=99999");
  it("reads, defaults and bounds integers", () => {
    expect(queryInt(url, "offset", 0, 0, 10)).toBe(5);
    expect(queryInt(url, "missing", 7, 0, 10)).toBe(7);
    expect(() => queryInt(url, "limit", 1, 1, 10)).toThrow(/limit must be an integer/);
    expect(() => queryInt(url, "big", 1, 1, 10)).toThrow(/between/);
  });
});

describe("queryTime", () => {
  it("reads ISO times and epoch milliseconds, and names the field for what no Date can hold", () => {
    const url = new URL("http://x/?a=2026-01-02T03:04:05Z&b=1700000000000&c=99999999999999999999&d=soon");
    expect(queryTime(url, "a")?.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(queryTime(url, "b")?.getTime()).toBe(1_700_000_000_000);
    expect(queryTime(url, "missing")).toBeUndefined();
    for (const name of ["c", "d"])
      expect(() => queryTime(url, name), name).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: name })] }));
  });
});

describe("readChunksLimited", () => {
  async function* chunks(parts: string[], failAfter?: number) {
    for (let i = 0; i < parts.length; i++) {
      if (failAfter === i) throw new Error("aborted");
      yield new TextEncoder().encode(parts[i]);
    }
  }

  it("joins the chunks as UTF-8 text, a multi-byte character split across two chunks included", async () => {
    const bytes = new TextEncoder().encode("é");
    async function* split() {
      yield new TextEncoder().encode('{"a":"');
      yield bytes.subarray(0, 1);
      yield bytes.subarray(1);
      yield new TextEncoder().encode('"}');
    }
    expect(await readChunksLimited(split(), 100)).toBe('{"a":"é"}');
    expect(await readChunksLimited(chunks([]), 100)).toBe("");
  });

  it("past the limit: reads the rest (so the client gets the answer), then 413 naming body", async () => {
    let consumed = 0;
    async function* counted() {
      for (let i = 0; i < 5; i++) {
        consumed++;
        yield new Uint8Array(10);
      }
    }
    const e = await readChunksLimited(counted(), 25).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: "TOO_LARGE", errors: [{ field: "body" }] });
    expect(consumed).toBe(5);
  });

  it("a body broken off midway is the client's 400 naming body, not a server error", async () => {
    const e = await readChunksLimited(chunks(["ab", "cd"], 1), 100).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "BAD_REQUEST", errors: [{ field: "body" }] });
  });
});
