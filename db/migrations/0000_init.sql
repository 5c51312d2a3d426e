CREATE TABLE `projects` (
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
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `projects_sampleKey_unique` ON `projects` (`sample_key`);--> statement-breakpoint
CREATE TABLE `dataset_profiles` (
	`version_id` text PRIMARY KEY NOT NULL,
	`profile` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dataset_profiles_computed` ON `dataset_profiles` (`computed_at`);--> statement-breakpoint
CREATE TABLE `dataset_rows` (
	`version_id` text NOT NULL,
	`idx` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`version_id`, `idx`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `dataset_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`source_kind` text NOT NULL,
	`source` text NOT NULL,
	`format` text NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`row_count` integer DEFAULT 0 NOT NULL,
	`columns` text NOT NULL,
	`content_hash` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dataset_versions_name_version` ON `dataset_versions` (`name`,`version`);--> statement-breakpoint
CREATE TABLE `recipes` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`version` integer NOT NULL,
	`dataset_id` text NOT NULL,
	`spec` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recipes_project_version` ON `recipes` (`project_id`,`version`);