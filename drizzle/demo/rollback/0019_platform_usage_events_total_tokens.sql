-- Rollback of 0019_platform_usage_events_total_tokens: the column and what the backfill wrote in it (input_tokens and
-- output_tokens still hold the figures it was computed from).
ALTER TABLE "platform"."usage_events" DROP COLUMN IF EXISTS "total_tokens";
