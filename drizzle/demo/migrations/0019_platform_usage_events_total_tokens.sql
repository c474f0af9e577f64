-- strata:no-transaction
-- Hand-edited from drizzle-kit's output (the ADD COLUMN): a stored total_tokens on platform.usage_events, which the
-- rollups and the billing export read instead of adding input_tokens and output_tokens on every row, filled for the
-- rows already there. usage_events is the demo's biggest table (partitioned by month, primary key (id, occurred_at)):
-- one UPDATE would lock every row it changes until it commits, so the fill is a `-- strata:batched` statement in this
-- no-transaction change set — Strata runs it in primary-key-ordered batches, each its own short transaction. Run by a
-- tool that does not batch, it is a plain UPDATE (the directive is a comment) and the result is the same.
SET lock_timeout = '5s';
--> statement-breakpoint
ALTER TABLE "platform"."usage_events" ADD COLUMN IF NOT EXISTS "total_tokens" integer;
--> statement-breakpoint
-- strata:batched size=5000 pause=10ms
UPDATE "platform"."usage_events" SET "total_tokens" = "input_tokens" + "output_tokens" WHERE "total_tokens" IS NULL;
