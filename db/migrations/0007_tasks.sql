CREATE TABLE "problem_tasks" (
	"problem_id" integer PRIMARY KEY NOT NULL,
	"create_outbox_id" uuid NOT NULL,
	"task_guid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "problem_tasks" ADD CONSTRAINT "problem_tasks_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;