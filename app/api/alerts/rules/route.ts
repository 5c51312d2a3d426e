import { z } from "zod";
import { createAlertRule, listAlertRules } from "@/lib/monitor/server/alerts";
import { handle, json, otherMethods, readJson } from "@/lib/shared/http";

export const GET = handle((req) => json({ items: listAlertRules({ endpoint: new URL(req.url).searchParams.get("endpoint") ?? undefined }) }));

/** `{endpoint, kind: "drift"|"errorRate"|"p99LatencyMs"|"performance", threshold?, windowMinutes, webhookUrl?}` → 201 with the rule. */
export const POST = handle(async (req) => json(createAlertRule(await readJson(req, z.unknown())), { status: 201 }));

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
