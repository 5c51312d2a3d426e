/**
 * Signing of webhook deliveries as the Standard Webhooks convention does
 * (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the bytes
 * of the secret's base64 part after `whsec_`. A receiver's library (standardwebhooks, svix) checks
 * these deliveries as they are.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
/** Key length of a new secret (the convention asks for 24 to 64 bytes). */
const SECRET_BYTES = 32;
/** How far a delivery's timestamp may be from the receiver's clock, as the convention's libraries default. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** A new per-rule secret: `whsec_` + base64 of SECRET_BYTES random bytes. */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  const key = Buffer.from(b64, "base64");
  if (key.length === 0) throw new Error("The webhook secret is empty.");
  return key;
}

export interface SignedMessage {
  /** `webhook-id`: one per message, the same on every retry of it. */
  id: string;
  /** `webhook-timestamp`: unix seconds of this attempt. */
  timestamp: number;
  /** The exact body bytes sent. */
  body: string;
}

/** The `webhook-signature` value for a message: `v1,<base64 HMAC-SHA256>`. */
export function signWebhook(secret: string, msg: SignedMessage): string {
  const mac = createHmac("sha256", secretKey(secret)).update(`${msg.id}.${msg.timestamp}.${msg.body}`).digest("base64");
  return `v1,${mac}`;
}

/** The three headers of a signed delivery (content type aside). */
export function webhookHeaders(secret: string, msg: SignedMessage): Record<string, string> {
  return { "webhook-id": msg.id, "webhook-timestamp": String(msg.timestamp), "webhook-signature": signWebhook(secret, msg) };
}

/**
 * What a receiver does: true when one of the space-separated `v1,` signatures in `signature`
 * matches (compared in constant time) and the timestamp is within `toleranceSeconds` of `now`.
 */
export function verifyWebhook(
  secret: string,
  msg: { id: string; timestamp: number | string; body: string; signature: string },
  opts: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const timestamp = Number(msg.timestamp);
  if (!Number.isInteger(timestamp)) return false;
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (opts.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(secret, { id: msg.id, timestamp, body: msg.body }).slice("v1,".length), "base64");
  return msg.signature
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .some((s) => {
      const given = Buffer.from(s.slice("v1,".length), "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
