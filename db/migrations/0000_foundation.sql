CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_open_id" text,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text,
	"before" jsonb,
	"after" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"date" date PRIMARY KEY NOT NULL,
	"workday" boolean NOT NULL,
	"name" text,
	"source" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_drafts" (
	"id" text PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"days" text NOT NULL,
	"notice_sha256" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"imported_by" text,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"notice_sha256" text
);
--> statement-breakpoint
CREATE TABLE "delivery_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ballot_pool" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evaluation_id" integer NOT NULL,
	"category" text NOT NULL,
	"unit_id" integer NOT NULL,
	"choice" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ballot_receipts" (
	"evaluation_id" integer NOT NULL,
	"voter_id" integer NOT NULL,
	CONSTRAINT "ballot_receipts_evaluation_id_voter_id_pk" PRIMARY KEY("evaluation_id","voter_id")
);
--> statement-breakpoint
CREATE TABLE "evaluated_units" (
	"unit_id" integer PRIMARY KEY NOT NULL,
	"chosen_by" text,
	"chosen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"unit_ids" integer[] NOT NULL,
	"closes_at" timestamp with time zone,
	"opened_by" text,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"results" jsonb,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reinspection_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"evaluation_id" integer NOT NULL,
	"problem_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"group_id" integer,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"new_deadline" date,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "voters" (
	"id" serial PRIMARY KEY NOT NULL,
	"open_id" text NOT NULL,
	"category" text NOT NULL,
	"added_by" text
);
--> statement-breakpoint
CREATE TABLE "voting_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"evaluation_id" integer NOT NULL,
	"category" text NOT NULL,
	"used" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "anonymous_feedback" (
	"id" serial PRIMARY KEY NOT NULL,
	"receipt_hash" text NOT NULL,
	"text" text NOT NULL,
	"received_on" date NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"problem_id" integer,
	"decision_reason" text,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_drafts" (
	"id" text PRIMARY KEY NOT NULL,
	"created_by" text NOT NULL,
	"file_name" text NOT NULL,
	"payload" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"payload" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"receive_id_type" text,
	"receive_id" text,
	"target_message_id" text,
	"rate_key" text,
	"msg_type" text NOT NULL,
	"content" text NOT NULL,
	"attachment" text,
	"attachment_name" text,
	"purpose" text DEFAULT 'reply' NOT NULL,
	"problem_id" integer,
	"audience" text,
	"erase_receiver" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"first_attempt_at" timestamp with time zone,
	"last_error" text,
	"error_code" integer,
	"sent_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "people" (
	"open_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"union_id" text,
	"user_id" text,
	"email" text,
	"mobile" text,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"open_id" text NOT NULL,
	"role" text NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "roles_open_id_role_pk" PRIMARY KEY("open_id","role")
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL,
	"size" bigint NOT NULL,
	"content_type" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "counters" (
	"name" text PRIMARY KEY NOT NULL,
	"value" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evidence" (
	"id" serial PRIMARY KEY NOT NULL,
	"problem_id" integer NOT NULL,
	"sha256" text NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"content_type" text NOT NULL,
	"kind" text NOT NULL,
	"file_key" text,
	"source_message_id" text,
	"unit_id" integer,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "problem_co_units" (
	"problem_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	CONSTRAINT "problem_co_units_problem_id_unit_id_pk" PRIMARY KEY("problem_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "problem_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"problem_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_open_id" text,
	"actor_name" text NOT NULL,
	"unit_id" integer,
	"kind" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "problem_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"problem_id" integer NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" text NOT NULL,
	"unit_id" integer,
	"text" text DEFAULT '' NOT NULL,
	"new_deadline" date,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text
);
--> statement-breakpoint
CREATE TABLE "problems" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"source" text DEFAULT '走访' NOT NULL,
	"category" text,
	"timeliness" text DEFAULT '长期整改' NOT NULL,
	"lead_unit_id" integer NOT NULL,
	"group_id" integer,
	"deadline" date NOT NULL,
	"state" text DEFAULT 'assigned' NOT NULL,
	"progress_pct" integer,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"last_progress_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"public_title" text,
	"published_at" timestamp with time zone,
	"import_key" text
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"group_id" integer NOT NULL,
	"open_id" text NOT NULL,
	CONSTRAINT "group_members_group_id_open_id_pk" PRIMARY KEY("group_id","open_id")
);
--> statement-breakpoint
CREATE TABLE "group_units" (
	"group_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	CONSTRAINT "group_units_group_id_unit_id_pk" PRIMARY KEY("group_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "supervision_groups" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"chat_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_contacts" (
	"unit_id" integer NOT NULL,
	"open_id" text NOT NULL,
	"added_by" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unit_contacts_unit_id_open_id_pk" PRIMARY KEY("unit_id","open_id")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"short_name" text,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_sha256_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_co_units" ADD CONSTRAINT "problem_co_units_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_co_units" ADD CONSTRAINT "problem_co_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_events" ADD CONSTRAINT "problem_events_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_requests" ADD CONSTRAINT "problem_requests_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_lead_unit_id_units_id_fk" FOREIGN KEY ("lead_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_group_id_supervision_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."supervision_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_supervision_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."supervision_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_units" ADD CONSTRAINT "group_units_group_id_supervision_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."supervision_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_units" ADD CONSTRAINT "group_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_contacts" ADD CONSTRAINT "unit_contacts_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reinspection_items_uq" ON "reinspection_items" USING btree ("evaluation_id","problem_id");--> statement-breakpoint
CREATE UNIQUE INDEX "voters_open_id_uq" ON "voters" USING btree ("open_id");--> statement-breakpoint
CREATE UNIQUE INDEX "anonymous_feedback_receipt_uq" ON "anonymous_feedback" USING btree ("receipt_hash");--> statement-breakpoint
CREATE INDEX "processed_events_received_at_idx" ON "processed_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("run_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_problem_idx" ON "outbox" USING btree ("problem_id");--> statement-breakpoint
CREATE INDEX "outbox_sent_message_idx" ON "outbox" USING btree ("sent_message_id");--> statement-breakpoint
CREATE INDEX "evidence_problem_idx" ON "evidence" USING btree ("problem_id");--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_problem_sha_uq" ON "evidence" USING btree ("problem_id","sha256");--> statement-breakpoint
CREATE INDEX "problem_co_units_unit_idx" ON "problem_co_units" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "problem_events_problem_idx" ON "problem_events" USING btree ("problem_id","at");--> statement-breakpoint
CREATE INDEX "problem_requests_problem_idx" ON "problem_requests" USING btree ("problem_id");--> statement-breakpoint
CREATE UNIQUE INDEX "problem_requests_one_pending_uq" ON "problem_requests" USING btree ("problem_id","kind") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "problems_code_uq" ON "problems" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "problems_import_key_uq" ON "problems" USING btree ("import_key");--> statement-breakpoint
CREATE INDEX "problems_lead_unit_idx" ON "problems" USING btree ("lead_unit_id");--> statement-breakpoint
CREATE INDEX "problems_state_idx" ON "problems" USING btree ("state");--> statement-breakpoint
CREATE INDEX "group_members_open_id_idx" ON "group_members" USING btree ("open_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_units_unit_uq" ON "group_units" USING btree ("unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_groups_name_uq" ON "supervision_groups" USING btree ("name");--> statement-breakpoint
CREATE INDEX "unit_contacts_open_id_idx" ON "unit_contacts" USING btree ("open_id");--> statement-breakpoint
CREATE UNIQUE INDEX "units_name_uq" ON "units" USING btree ("name");