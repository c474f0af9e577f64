-- Rollback of 0001_platform_usage_events (doc 004): drops the monthly and default partitions, the indexes, foreign keys and the partitioned usage_events table, in reverse order.
DROP TABLE "platform"."usage_events_default";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m12";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m11";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m10";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m09";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m08";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m07";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m06";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m05";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m04";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m03";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m02";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2027m01";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m12";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m11";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m10";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m09";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m08";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m07";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m06";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m05";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m04";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m03";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m02";
--> statement-breakpoint
DROP TABLE "platform"."usage_events_y2026m01";
--> statement-breakpoint
DROP INDEX "platform"."usage_events_model_time_idx";
--> statement-breakpoint
DROP INDEX "platform"."usage_events_org_time_idx";
--> statement-breakpoint
ALTER TABLE "platform"."usage_events" DROP CONSTRAINT "usage_events_model_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."usage_events" DROP CONSTRAINT "usage_events_api_key_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."usage_events" DROP CONSTRAINT "usage_events_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."usage_events" DROP CONSTRAINT "usage_events_organization_id_fkey";
--> statement-breakpoint
DROP TABLE "platform"."usage_events";
