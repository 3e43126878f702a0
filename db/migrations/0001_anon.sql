-- hand-written (anon): an integer cannot be cast to uuid and the serial's default must go first.
-- Existing rows get fresh random ids; their old audit rows keep the old number (the chain is never rewritten).
ALTER TABLE "anonymous_feedback" ALTER COLUMN "id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "anonymous_feedback" ALTER COLUMN "id" SET DATA TYPE uuid USING gen_random_uuid();--> statement-breakpoint
DROP SEQUENCE IF EXISTS "anonymous_feedback_id_seq";--> statement-breakpoint
ALTER TABLE "anonymous_feedback" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();--> statement-breakpoint
ALTER TABLE "anonymous_feedback" ADD COLUMN "audited" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- hand-written (anon): rows from before this migration got their audit row when they came.
UPDATE "anonymous_feedback" SET "audited" = true;
