PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`task` text NOT NULL,
	`target` text,
	`success_metric` text,
	`success_threshold` real,
	`delivery` text DEFAULT 'realtime' NOT NULL,
	`dataset_id` text,
	`sample_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dataset_id`) REFERENCES `dataset_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_projects`("id", "name", "description", "task", "target", "success_metric", "success_threshold", "delivery", "dataset_id", "sample_key", "created_at", "updated_at") SELECT "id", "name", "description", "task", "target", "success_metric", "success_threshold", "delivery", "dataset_id", "sample_key", "created_at", "updated_at" FROM `projects`;--> statement-breakpoint
DROP TABLE `projects`;--> statement-breakpoint
ALTER TABLE `__new_projects` RENAME TO `projects`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `projects_sampleKey_unique` ON `projects` (`sample_key`);--> statement-breakpoint
CREATE TABLE `__new_dataset_profiles` (
	`version_id` text PRIMARY KEY NOT NULL,
	`profile` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `dataset_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_dataset_profiles`("version_id", "profile", "duration_ms", "computed_at") SELECT "version_id", "profile", "duration_ms", "computed_at" FROM `dataset_profiles`;--> statement-breakpoint
DROP TABLE `dataset_profiles`;--> statement-breakpoint
ALTER TABLE `__new_dataset_profiles` RENAME TO `dataset_profiles`;--> statement-breakpoint
CREATE INDEX `dataset_profiles_computed` ON `dataset_profiles` (`computed_at`);--> statement-breakpoint
CREATE TABLE `__new_dataset_rows` (
	`version_id` text NOT NULL,
	`idx` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`version_id`, `idx`),
	FOREIGN KEY (`version_id`) REFERENCES `dataset_versions`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_dataset_rows`("version_id", "idx", "data") SELECT "version_id", "idx", "data" FROM `dataset_rows`;--> statement-breakpoint
DROP TABLE `dataset_rows`;--> statement-breakpoint
ALTER TABLE `__new_dataset_rows` RENAME TO `dataset_rows`;--> statement-breakpoint
CREATE TABLE `__new_recipes` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`version` integer NOT NULL,
	`dataset_id` text NOT NULL,
	`spec` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dataset_id`) REFERENCES `dataset_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_recipes`("id", "project_id", "version", "dataset_id", "spec", "created_at") SELECT "id", "project_id", "version", "dataset_id", "spec", "created_at" FROM `recipes`;--> statement-breakpoint
DROP TABLE `recipes`;--> statement-breakpoint
ALTER TABLE `__new_recipes` RENAME TO `recipes`;--> statement-breakpoint
CREATE UNIQUE INDEX `recipes_project_version` ON `recipes` (`project_id`,`version`);--> statement-breakpoint
CREATE TABLE `__new_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`algorithm` text NOT NULL,
	`params` text NOT NULL,
	`status` text NOT NULL,
	`location` text NOT NULL,
	`backend` text,
	`dataset_id` text NOT NULL,
	`recipe_id` text NOT NULL,
	`recipe_version` integer NOT NULL,
	`seed` integer NOT NULL,
	`epoch` integer DEFAULT 0 NOT NULL,
	`total_epochs` integer DEFAULT 0 NOT NULL,
	`history` text NOT NULL,
	`metrics` text,
	`baseline` text,
	`details` text,
	`error` text,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`sweep_id` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`claimed_by` text,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`dataset_id`) REFERENCES `dataset_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recipe_id`) REFERENCES `recipes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_runs`("id", "project_id", "algorithm", "params", "status", "location", "backend", "dataset_id", "recipe_id", "recipe_version", "seed", "epoch", "total_epochs", "history", "metrics", "baseline", "details", "error", "cancel_requested", "sweep_id", "created_by", "created_at", "started_at", "finished_at", "claimed_by") SELECT "id", "project_id", "algorithm", "params", "status", "location", "backend", "dataset_id", "recipe_id", "recipe_version", "seed", "epoch", "total_epochs", "history", "metrics", "baseline", "details", "error", "cancel_requested", "sweep_id", "created_by", "created_at", "started_at", "finished_at", "claimed_by" FROM `runs`;--> statement-breakpoint
DROP TABLE `runs`;--> statement-breakpoint
ALTER TABLE `__new_runs` RENAME TO `runs`;--> statement-breakpoint
CREATE INDEX `runs_project` ON `runs` (`project_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_sweep` ON `runs` (`sweep_id`);--> statement-breakpoint
CREATE TABLE `__new_endpoint_keys` (
	`endpoint_name` text NOT NULL,
	`slot` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`endpoint_name`, `slot`),
	FOREIGN KEY (`endpoint_name`) REFERENCES `endpoints`(`name`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_endpoint_keys`("endpoint_name", "slot", "hash", "prefix", "created_at") SELECT "endpoint_name", "slot", "hash", "prefix", "created_at" FROM `endpoint_keys`;--> statement-breakpoint
DROP TABLE `endpoint_keys`;--> statement-breakpoint
ALTER TABLE `__new_endpoint_keys` RENAME TO `endpoint_keys`;--> statement-breakpoint
CREATE INDEX `endpoint_keys_hash` ON `endpoint_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `__new_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`endpoint_name` text NOT NULL,
	`dataset_name` text NOT NULL,
	`cron` text NOT NULL,
	`timezone` text NOT NULL,
	`report_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`next_run_at` integer,
	`last_run_at` integer,
	`last_job_id` text,
	`last_skipped_at` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_schedules`("id", "name", "endpoint_name", "dataset_name", "cron", "timezone", "report_id", "enabled", "next_run_at", "last_run_at", "last_job_id", "last_skipped_at", "last_error", "created_at", "updated_at") SELECT "id", "name", "endpoint_name", "dataset_name", "cron", "timezone", "report_id", "enabled", "next_run_at", "last_run_at", "last_job_id", "last_skipped_at", "last_error", "created_at", "updated_at" FROM `schedules`;--> statement-breakpoint
DROP TABLE `schedules`;--> statement-breakpoint
ALTER TABLE `__new_schedules` RENAME TO `schedules`;--> statement-breakpoint
CREATE INDEX `schedules_next_run` ON `schedules` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `__new_webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`rule_id` text NOT NULL,
	`alert_id` text,
	`event` text NOT NULL,
	`url` text NOT NULL,
	`status` integer,
	`ok` integer NOT NULL,
	`attempts` integer NOT NULL,
	`error` text,
	`duration_ms` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `alert_rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_webhook_deliveries`("id", "rule_id", "alert_id", "event", "url", "status", "ok", "attempts", "error", "duration_ms", "at") SELECT "id", "rule_id", "alert_id", "event", "url", "status", "ok", "attempts", "error", "duration_ms", "at" FROM `webhook_deliveries`;--> statement-breakpoint
DROP TABLE `webhook_deliveries`;--> statement-breakpoint
ALTER TABLE `__new_webhook_deliveries` RENAME TO `webhook_deliveries`;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_rule` ON `webhook_deliveries` (`rule_id`,`at`);