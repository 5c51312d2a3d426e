import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Ground truth that arrived after the prediction, stored with the prediction it was matched to:
 * a real-time request's row (`requestId`, `row`) or a batch job's output row (`jobId`, `row`).
 * `matchKey` says which prediction it is, so posting the same actual again replaces it.
 */
export const actuals = sqliteTable(
  "actuals",
  {
    id: text().primaryKey(),
    endpointName: text().notNull(),
    source: text({ enum: ["realtime", "batch"] }).notNull(),
    /** "req:<requestId>:<row>" or "job:<jobId>:<row>". */
    matchKey: text().notNull(),
    requestId: text(),
    jobId: text(),
    row: integer().notNull(),
    keys: text({ mode: "json" }).$type<Record<string, unknown>>(),
    modelId: text(),
    modelVersion: integer(),
    prediction: text({ mode: "json" }).$type<unknown>(),
    actual: text({ mode: "json" }).$type<unknown>(),
    predictedAt: integer({ mode: "timestamp_ms" }).notNull(),
    receivedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("actuals_match").on(t.endpointName, t.matchKey), index("actuals_endpoint_time").on(t.endpointName, t.predictedAt)],
);

/** A condition on one endpoint, evaluated on a schedule; `windowMinutes` is the look-back. */
export const alertRules = sqliteTable("alert_rules", {
  id: text().primaryKey(),
  endpointName: text().notNull(),
  kind: text({ enum: ["drift", "dataQuality", "errorRate", "p99LatencyMs", "performance"] }).notNull(),
  /** errorRate: a fraction; dataQuality: a fraction (the worst feature's share of bad cells); p99LatencyMs: milliseconds; performance: the project's threshold when null; drift: unused. */
  threshold: real(),
  windowMinutes: integer().notNull(),
  webhookUrl: text(),
  /** The key each delivery is signed with (Standard Webhooks, `whsec_…`); shown once when the rule is created. */
  webhookSecret: text(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** One delivery of an alert to its rule's webhook: how it went, after how many attempts. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text().primaryKey(),
    ruleId: text()
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    alertId: text(),
    /** `alert.firing` or `alert.resolved`. */
    event: text().notNull(),
    url: text().notNull(),
    /** The last attempt's HTTP status, null when no answer came. */
    status: integer(),
    ok: integer({ mode: "boolean" }).notNull(),
    attempts: integer().notNull(),
    error: text(),
    durationMs: integer(),
    at: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("webhook_deliveries_rule").on(t.ruleId, t.at)],
);

/** One firing of a rule, open (firing) until an evaluation finds the condition gone. */
export const alerts = sqliteTable(
  "alerts",
  {
    id: text().primaryKey(),
    ruleId: text().notNull(),
    endpointName: text().notNull(),
    kind: text().notNull(),
    state: text({ enum: ["firing", "resolved"] }).notNull(),
    value: real(),
    threshold: real(),
    firedAt: integer({ mode: "timestamp_ms" }).notNull(),
    resolvedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("alerts_rule_state").on(t.ruleId, t.state), index("alerts_endpoint_state").on(t.endpointName, t.state)],
);

export type ActualRow = typeof actuals.$inferSelect;
export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
