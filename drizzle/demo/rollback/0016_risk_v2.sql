-- Rollback of 0016_risk_v2 (doc 001 v2 Phases 1-2): drops the analytics indexes and enforcement_log.execution_time_ms, deletes the baseline rows for versions 1 and 2, drops idx_schema_version_applied and schema_version, in reverse order (IF EXISTS, mirroring the forward IF NOT EXISTS).
DROP INDEX IF EXISTS "risk"."idx_orders_state_account";
--> statement-breakpoint
DROP INDEX IF EXISTS "risk"."idx_positions_updated";
--> statement-breakpoint
DROP INDEX IF EXISTS "risk"."idx_enforcement_log_success";
--> statement-breakpoint
ALTER TABLE "risk"."enforcement_log" DROP COLUMN IF EXISTS "execution_time_ms";
--> statement-breakpoint
DELETE FROM "risk"."schema_version" WHERE "version" IN (1, 2);
--> statement-breakpoint
DROP INDEX IF EXISTS "risk"."idx_schema_version_applied";
--> statement-breakpoint
DROP TABLE IF EXISTS "risk"."schema_version";
