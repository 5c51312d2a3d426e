CREATE TABLE `actuals` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_name` text NOT NULL,
	`source` text NOT NULL,
	`match_key` text NOT NULL,
	`request_id` text,
	`job_id` text,
	`row` integer NOT NULL,
	`keys` text,
	`model_id` text,
	`model_version` integer,
	`prediction` text,
	`actual` text,
	`predicted_at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `actuals_match` ON `actuals` (`endpoint_name`,`match_key`);--> statement-breakpoint
CREATE INDEX `actuals_endpoint_time` ON `actuals` (`endpoint_name`,`predicted_at`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_name` text NOT NULL,
	`kind` text NOT NULL,
	`threshold` real,
	`window_minutes` integer NOT NULL,
	`webhook_url` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`rule_id` text NOT NULL,
	`endpoint_name` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`value` real,
	`threshold` real,
	`fired_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `alerts_rule_state` ON `alerts` (`rule_id`,`state`);--> statement-breakpoint
CREATE INDEX `alerts_endpoint_state` ON `alerts` (`endpoint_name`,`state`);