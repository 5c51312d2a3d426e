/**
 * Shared by the alert and webhook specs: a local webhook receiver, and the administrator's
 * allow list (`webhookAllowedHosts` in the settings) that lets the workbench reach it on 127.0.0.1.
 */
import fs from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";
import { startTestServer } from "../../lib/shared/server/test-http";
import { adminHeaders } from "./auth-helpers";
import { expectJson } from "./helpers";

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  /** The exact body text (what the signature covers). */
  body: string;
  receivedAt: number;
}

export interface Receiver {
  url: string;
  /** "127.0.0.1:<port>", the allow-list entry for this receiver. */
  host: string;
  received: ReceivedHook[];
  /** The statuses of the next answers, in order; after them it answers 204. */
  answers: number[];
  close: () => Promise<void>;
}

/** A receiver on 127.0.0.1 on a free port: what it was sent, in order. */
export async function receiver(): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  const answers: number[] = [];
  const { port, close } = await startTestServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body, receivedAt: Date.now() });
      const status = answers.shift() ?? 204;
      res.writeHead(status, status >= 300 && status < 400 ? { location: "http://example.com/elsewhere" } : {}).end();
    });
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    host: `127.0.0.1:${port}`,
    received,
    answers,
    close,
  };
}

interface Settings {
  webhookAllowedHosts: string[];
}

/** A lock stale after this long belongs to a worker that died holding it. */
const STALE_LOCK_MS = 30_000;
const LOCK_RETRY_MS = 25;

/**
 * Runs a read-modify-write of the settings under a lock the test workers share (a directory made
 * atomically), so two tests changing the one allow list at once cannot lose each other's host.
 */
async function withSettingsLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(os.tmpdir(), `workbench-test-settings-${process.env.TEST_PORT ?? "default"}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function changeAllowedHosts(request: APIRequestContext, change: (hosts: string[]) => string[]): Promise<string[]> {
  return withSettingsLock(async () => {
    const current = await expectJson<Settings>(await request.get("/api/settings", { headers: adminHeaders() }), 200);
    const next = change(current.webhookAllowedHosts);
    const saved = await expectJson<Settings>(await request.put("/api/settings", { data: { webhookAllowedHosts: next }, headers: adminHeaders() }), 200);
    return saved.webhookAllowedHosts;
  });
}

/** Adds `host` ("host:port") to the webhook allow list as the administrator; returns how to take it out again. */
export async function allowWebhookHost(request: APIRequestContext, host: string): Promise<() => Promise<void>> {
  const saved = await changeAllowedHosts(request, (hosts) => [...hosts.filter((h) => h !== host), host]);
  expect(saved).toContain(host);
  return async () => {
    const left = await changeAllowedHosts(request, (hosts) => hosts.filter((h) => h !== host));
    expect(left).not.toContain(host);
  };
}
