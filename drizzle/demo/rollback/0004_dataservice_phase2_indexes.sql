-- Rollback of 0004_dataservice_phase2_indexes: drops doc 000's 15 Phase 2 indexes in reverse order (IF EXISTS, mirroring the forward CREATE INDEX IF NOT EXISTS).
DROP INDEX IF EXISTS "dataservice"."ix_ds_events_event_type";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_events_ferpa";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_events_created";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_events_entity";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_ledger_entries_account";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_ledger_entries_ledger_id";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_ledgers_reference";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_ledgers_validated";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_ledgers_trace_id";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_uploads_ferpa";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_uploads_owner_status";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_providers_api_key_prefix";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_providers_segment_status";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_users_role";
--> statement-breakpoint
DROP INDEX IF EXISTS "dataservice"."ix_ds_users_email_status";
