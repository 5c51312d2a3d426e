CREATE TABLE `job_row_errors` (
	`job_id` text NOT NULL,
	`row` integer NOT NULL,
	`message` text NOT NULL,
	PRIMARY KEY(`job_id`, `row`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_name` text NOT NULL,
	`model_id` text NOT NULL,
	`model_version` integer NOT NULL,
	`status` text NOT NULL,
	`source_kind` text NOT NULL,
	`dataset_id` text,
	`source_name` text NOT NULL,
	`rows_total` integer,
	`rows_done` integer DEFAULT 0 NOT NULL,
	`rows_failed` integer DEFAULT 0 NOT NULL,
	`error_threshold` integer NOT NULL,
	`output_table` text NOT NULL,
	`output_bytes` integer DEFAULT 0 NOT NULL,
	`error` text,
	`cancel_requested` integer DEFAULT false NOT NULL,
	`schedule_id` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_endpoint_created` ON `jobs` (`endpoint_name`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_status` ON `jobs` (`status`);