CREATE TABLE `sweeps` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`algorithm` text NOT NULL,
	`method` text NOT NULL,
	`space` text NOT NULL,
	`base_params` text NOT NULL,
	`metric` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `runs` ADD `sweep_id` text;--> statement-breakpoint
CREATE INDEX `runs_sweep` ON `runs` (`sweep_id`);