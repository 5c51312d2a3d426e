CREATE TABLE `endpoint_keys` (
	`endpoint_name` text NOT NULL,
	`slot` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`endpoint_name`, `slot`)
);
--> statement-breakpoint
CREATE INDEX `endpoint_keys_hash` ON `endpoint_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `endpoints` (
	`name` text PRIMARY KEY NOT NULL,
	`mode` text NOT NULL,
	`model_id` text NOT NULL,
	`split_model_id` text,
	`split_percent` integer DEFAULT 0 NOT NULL,
	`project_id` text,
	`cors_origins` text NOT NULL,
	`rate_limit_per_minute` integer,
	`max_rows` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `request_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_name` text NOT NULL,
	`model_id` text,
	`model_version` integer,
	`status` integer NOT NULL,
	`latency_ms` real NOT NULL,
	`rows` integer NOT NULL,
	`format` text,
	`inputs` text,
	`outputs` text,
	`error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `request_logs_endpoint_time` ON `request_logs` (`endpoint_name`,`created_at`);