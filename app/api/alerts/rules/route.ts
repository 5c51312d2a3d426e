import { z } from "zod";
import { createAlertRule, listAlertRules } from "@/lib/monitor/server/alerts";
import { handle } from "@/lib/identity/server/guard";
import { json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle((req) => json({ items: listAlertRules({ endpoint: new URL(req.url).searchParams.get("endpoint") ?? undefined }) }));

/**
 * `{endpoint, kind: "drift"|"dataQuality"|"errorRate"|"p99LatencyMs"|"performance", threshold?, windowMinutes, webhookUrl?}`
 * → 201 with the rule and, with a webhook, its signing secret `webhookSecret` (shown this once).
 */
export const POST = handle(async (req) => json(await createAlertRule(await readJson(req, z.unknown())), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
