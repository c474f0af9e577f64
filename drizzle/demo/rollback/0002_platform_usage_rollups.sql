-- Rollback of 0002_platform_usage_rollups (doc 004): drops the rollup indexes, foreign keys and tables usage_hourly/usage_daily in reverse order.
DROP INDEX "platform"."usage_hourly_model_id_hour_start_idx";
--> statement-breakpoint
DROP INDEX "platform"."usage_hourly_organization_id_hour_start_idx";
--> statement-breakpoint
DROP INDEX "platform"."usage_daily_model_id_day_idx";
--> statement-breakpoint
DROP INDEX "platform"."usage_daily_organization_id_day_idx";
--> statement-breakpoint
ALTER TABLE "platform"."usage_hourly" DROP CONSTRAINT "usage_hourly_model_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."usage_hourly" DROP CONSTRAINT "usage_hourly_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."usage_daily" DROP CONSTRAINT "usage_daily_model_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."usage_daily" DROP CONSTRAINT "usage_daily_organization_id_fkey";
--> statement-breakpoint
DROP TABLE "platform"."usage_hourly";
--> statement-breakpoint
DROP TABLE "platform"."usage_daily";
