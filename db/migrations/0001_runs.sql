CREATE TABLE `runs` (
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
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `runs_project` ON `runs` (`project_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`created_at`);