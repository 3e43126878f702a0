CREATE TABLE "revisits" (
	"id" serial PRIMARY KEY NOT NULL,
	"problem_id" integer NOT NULL,
	"round" integer NOT NULL,
	"raiser_kind" text NOT NULL,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rating" text,
	"comment" text,
	"rated_on" date,
	"code_hash" text,
	"expires_at" timestamp with time zone,
	"disposition" text,
	"reason" text,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "problems_import_key_uq";--> statement-breakpoint
DROP INDEX "group_units_unit_uq";--> statement-breakpoint
DROP INDEX "supervision_groups_name_uq";--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "score_weights" jsonb;--> statement-breakpoint
-- Groups, evaluation objects and votes belong to a campaign; existing ones to the default campaign.
ALTER TABLE "evaluated_units" DROP CONSTRAINT "evaluated_units_pkey";--> statement-breakpoint
ALTER TABLE "evaluated_units" ADD COLUMN "campaign_id" integer DEFAULT default_campaign_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "evaluated_units" ADD CONSTRAINT "evaluated_units_campaign_id_unit_id_pk" PRIMARY KEY("campaign_id","unit_id");--> statement-breakpoint
ALTER TABLE "evaluations" ADD COLUMN "campaign_id" integer DEFAULT default_campaign_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "raiser_kind" text;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "raiser_open_id" text;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "raiser_name" text;--> statement-breakpoint
ALTER TABLE "group_units" ADD COLUMN "campaign_id" integer DEFAULT default_campaign_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "supervision_groups" ADD COLUMN "campaign_id" integer DEFAULT default_campaign_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "revisits" ADD CONSTRAINT "revisits_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "revisits_round_uq" ON "revisits" USING btree ("problem_id","round");--> statement-breakpoint
CREATE UNIQUE INDEX "revisits_code_uq" ON "revisits" USING btree ("code_hash");--> statement-breakpoint
ALTER TABLE "evaluated_units" ADD CONSTRAINT "evaluated_units_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_units" ADD CONSTRAINT "group_units_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_groups" ADD CONSTRAINT "supervision_groups_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "problems_import_key_uq" ON "problems" USING btree ("campaign_id","import_key");--> statement-breakpoint
CREATE UNIQUE INDEX "group_units_unit_uq" ON "group_units" USING btree ("campaign_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_groups_name_uq" ON "supervision_groups" USING btree ("campaign_id","name");