CREATE TABLE "campaign_choices" (
	"open_id" text PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"chosen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT '专项评议' NOT NULL,
	"year" integer NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"categories" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
-- Existing data moves into one campaign; the service renames it to DEFAULT_CAMPAIGN_NAME after migrating.
INSERT INTO "campaigns" ("name", "kind", "year", "categories", "is_default")
VALUES ('默认议题', '专项评议', coalesce((SELECT max("year") FROM "problems"), extract(year FROM now())::int),
  '["政务服务环境","要素保障","部门执法","法治环境","政策兑现","作风建设"]'::jsonb, true);
--> statement-breakpoint
-- A problem inserted without a campaign belongs to the default one.
CREATE FUNCTION default_campaign_id() RETURNS integer LANGUAGE sql STABLE AS $$ SELECT "id" FROM "campaigns" WHERE "is_default" $$;
--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "campaign_id" integer DEFAULT default_campaign_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_choices" ADD CONSTRAINT "campaign_choices_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_name_uq" ON "campaigns" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_one_default_uq" ON "campaigns" USING btree ("is_default") WHERE "campaigns"."is_default";--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "problems_campaign_idx" ON "problems" USING btree ("campaign_id");