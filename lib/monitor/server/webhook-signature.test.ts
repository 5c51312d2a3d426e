import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders, WEBHOOK_SECRET_PREFIX } from "./webhook-signature";

const SECRET = `whsec_${Buffer.from("a fixed key of twenty-four+ bytes").toString("base64")}`;
const MSG = { id: "whd_test", timestamp: 1_700_000_000, body: '{"type":"alert.firing","value":1}' };
const AT = new Date(MSG.timestamp * 1000);

describe("newWebhookSecret", () => {
  it("is whsec_ and the base64 of 24 or more random bytes, different each time", () => {
    const a = newWebhookSecret();
    expect(a.startsWith(WEBHOOK_SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(a.slice(WEBHOOK_SECRET_PREFIX.length), "base64").length).toBeGreaterThanOrEqual(24);
    expect(a.slice(WEBHOOK_SECRET_PREFIX.length)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});

describe("signWebhook", () => {
  it("is v1, and the base64 HMAC-SHA256 of id.timestamp.body keyed with the secret's decoded bytes", () => {
    const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`${MSG.id}.${MSG.timestamp}.${MSG.body}`).digest("base64");
    expect(signWebhook(SECRET, MSG)).toBe(`v1,${expected}`);
  });

  it("matches the Standard Webhooks reference vector", () => {
    const signature = signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", {
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("gives the three headers, the timestamp in unix seconds", () => {
    expect(webhookHeaders(SECRET, MSG)).toEqual({ "webhook-id": MSG.id, "webhook-timestamp": "1700000000", "webhook-signature": signWebhook(SECRET, MSG) });
  });
});

describe("verifyWebhook", () => {
  const signature = signWebhook(SECRET, MSG);

  it("accepts its own signature, also among several", () => {
    expect(verifyWebhook(SECRET, { ...MSG, signature }, { now: AT })).toBe(true);
    expect(verifyWebhook(SECRET, { ...MSG, timestamp: String(MSG.timestamp), signature: `v1,bm9wZQ== ${signature}` }, { now: AT })).toBe(true);
  });

  it("refuses another body, id, timestamp or secret", () => {
    expect(verifyWebhook(SECRET, { ...MSG, body: MSG.body + " ", signature }, { now: AT })).toBe(false);
    expect(verifyWebhook(SECRET, { ...MSG, id: "whd_other", signature }, { now: AT })).toBe(false);
    expect(verifyWebhook(SECRET, { ...MSG, timestamp: MSG.timestamp + 1, signature }, { now: AT })).toBe(false);
    expect(verifyWebhook(`whsec_${randomBytes(32).toString("base64")}`, { ...MSG, signature }, { now: AT })).toBe(false);
    expect(verifyWebhook(SECRET, { ...MSG, signature: signature.replace("v1,", "v2,") }, { now: AT })).toBe(false);
    expect(verifyWebhook(SECRET, { ...MSG, signature: "v1," }, { now: AT })).toBe(false);
  });

  it("refuses a timestamp outside the tolerance", () => {
    const later = (s: number) => new Date(AT.getTime() + s * 1000);
    expect(verifyWebhook(SECRET, { ...MSG, signature }, { now: later(299) })).toBe(true);
    expect(verifyWebhook(SECRET, { ...MSG, signature }, { now: later(301) })).toBe(false);
    expect(verifyWebhook(SECRET, { ...MSG, signature }, { now: later(-301) })).toBe(false);
    expect(verifyWebhook(SECRET, { ...MSG, timestamp: "soon", signature }, { now: AT })).toBe(false);
  });
});
