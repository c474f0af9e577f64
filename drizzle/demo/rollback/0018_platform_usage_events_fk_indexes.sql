-- Rollback of 0018_platform_usage_events_fk_indexes: dropping a partitioned index drops its attached partition indexes.
DROP INDEX IF EXISTS "platform"."usage_events_api_key_id_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "platform"."usage_events_user_id_idx";
