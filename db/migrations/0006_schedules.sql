CREATE TABLE `schedules` (
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
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `schedules_next_run` ON `schedules` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`endpoint_name` text NOT NULL,
	`history_dataset` text NOT NULL,
	`time_column` text NOT NULL,
	`value_column` text NOT NULL,
	`series_columns` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
