import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * A deployed model version under a stable name. `modelId` serves every request unless a second
 * version takes `splitPercent` of the traffic (a canary); every answer names the version used.
 * Only its keys go with it: its jobs, request log, actuals, alert rules and alerts, schedules and
 * reports name it without a declared reference, as they stay when it is deleted (its history).
 */
export const endpoints = sqliteTable("endpoints", {
  name: text().primaryKey(),
  mode: text({ enum: ["realtime", "batch"] }).notNull(),
  modelId: text().notNull(),
  /** A second version and the share of requests (0–100) it answers; null when all go to modelId. */
  splitModelId: text(),
  splitPercent: integer().notNull().default(0),
  projectId: text(),
  /** Origins a browser app may call the endpoint from (CORS); empty: none. "*" allows any. */
  corsOrigins: text({ mode: "json" }).notNull().$type<string[]>(),
  /** Requests per minute per key; null: no limit. */
  rateLimitPerMinute: integer(),
  /** Rows one request may carry. */
  maxRows: integer().notNull(),
  /** Drift thresholds that differ from the defaults (lib/monitor/drift.ts), e.g. {"ksPValue": 0.01}. */
  driftThresholds: text({ mode: "json" }).$type<Record<string, number>>(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** Two keys per endpoint, so one can be rotated while the other serves. Only a SHA-256 of each is kept. */
export const endpointKeys = sqliteTable(
  "endpoint_keys",
  {
    endpointName: text()
      .notNull()
      .references(() => endpoints.name, { onDelete: "cascade" }),
    slot: text({ enum: ["primary", "secondary"] }).notNull(),
    hash: text().notNull(),
    /** The first characters of the key, to tell keys apart in the UI. */
    prefix: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointName, t.slot] }), index("endpoint_keys_hash").on(t.hash)],
);

/** One scored (or refused) request, written in batches off the request's path, for monitoring. */
export const requestLogs = sqliteTable(
  "request_logs",
  {
    id: text().primaryKey(),
    endpointName: text().notNull(),
    modelId: text(),
    modelVersion: integer(),
    status: integer().notNull(),
    latencyMs: real().notNull(),
    rows: integer().notNull(),
    format: text(),
    inputs: text({ mode: "json" }).$type<unknown[]>(),
    outputs: text({ mode: "json" }).$type<unknown[]>(),
    error: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("request_logs_endpoint_time").on(t.endpointName, t.createdAt),
    // (endpoint, rowid): an endpoint's newest row in one seek (the monitoring reads' signature).
    index("request_logs_endpoint").on(t.endpointName),
  ],
);

export type EndpointRow = typeof endpoints.$inferSelect;
export type EndpointKeyRow = typeof endpointKeys.$inferSelect;
export type RequestLogRow = typeof requestLogs.$inferSelect;
