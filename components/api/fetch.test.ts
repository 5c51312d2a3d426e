import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, fetchJson, problemFrom, sendJson } from "./fetch";

describe("problemFrom", () => {
  it("reads an RFC 9457 problem as the server sent it", async () => {
    const body = { type: "about:blank", title: "Invalid request", status: 422, detail: "name: required", errors: [{ field: "name", message: "required" }] };
    const res = new Response(JSON.stringify(body), { status: 422, headers: { "content-type": "application/problem+json" } });
    expect(await problemFrom(res)).toEqual(body);
  });

  it("fills title and status from the response when the problem leaves them out", async () => {
    const res = new Response(JSON.stringify({ detail: "too big" }), { status: 413, statusText: "Payload Too Large" });
    expect(await problemFrom(res)).toMatchObject({ title: "Payload Too Large", status: 413, detail: "too big" });
  });

  it("makes up a problem when the body is not one (HTML from a proxy, say)", async () => {
    const res = new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
    expect(await problemFrom(res)).toEqual({ title: "Bad Gateway", status: 502, detail: "The server answered 502." });
  });

  it("makes up a problem for JSON that is no problem", async () => {
    const res = new Response(JSON.stringify({ items: [] }), { status: 500 });
    expect(await problemFrom(res)).toMatchObject({ status: 500, detail: "The server answered 500." });
  });
});

describe("ApiError", () => {
  it("keys field errors by field, the first message of a field winning", () => {
    const e = new ApiError({
      title: "Invalid",
      status: 422,
      errors: [
        { field: "name", message: "required" },
        { field: "steps.2.columns", message: "name at least one column" },
        { field: "name", message: "too long" },
      ],
    });
    expect(e.fieldErrors).toEqual({ name: "required", "steps.2.columns": "name at least one column" });
    expect(e.message).toBe("Invalid");
    expect(e.status).toBe(422);
  });
});

describe("fetchJson and sendJson against a real server", () => {
  let server: http.Server;
  let base: string;
  const seen: { method?: string; contentType?: string; accept?: string; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method, contentType: req.headers["content-type"], accept: req.headers.accept, body });
        if (req.url === "/ok") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [1, 2] }));
        if (req.url === "/empty") return res.writeHead(204).end();
        if (req.url === "/echo") return res.writeHead(201, { "content-type": "application/json" }).end(body);
        res
          .writeHead(422, { "content-type": "application/problem+json" })
          .end(JSON.stringify({ title: "Invalid", status: 422, errors: [{ field: "k", message: "bad" }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers the parsed JSON, asking for JSON", async () => {
    expect(await fetchJson(`${base}/ok`)).toEqual({ items: [1, 2] });
    expect(seen.at(-1)?.accept).toBe("application/json");
  });

  it("answers undefined for 204", async () => {
    expect(await fetchJson(`${base}/empty`)).toBeUndefined();
  });

  it("throws an ApiError with the problem when the answer is not ok", async () => {
    const error = await fetchJson(`${base}/refused`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).fieldErrors).toEqual({ k: "bad" });
  });

  it("sends a JSON body with its method and content type", async () => {
    expect(await sendJson("PATCH", `${base}/echo`, { name: "x" })).toEqual({ name: "x" });
    expect(seen.at(-1)).toMatchObject({ method: "PATCH", contentType: "application/json", body: '{"name":"x"}' });
  });

  it("sends no body when there is none", async () => {
    await sendJson("POST", `${base}/empty`);
    expect(seen.at(-1)).toMatchObject({ method: "POST", body: "" });
  });
});
