-- Phase 2 of doc 000 (DataService V2 Sprint-2 Migration Strategy): the 15 ds_* indexes, the document's SQL schema-qualified into "dataservice", in the document's order.
-- Users indexes
CREATE INDEX IF NOT EXISTS ix_ds_users_email_status ON "dataservice"."ds_users"(email, status);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_users_role ON "dataservice"."ds_users"(role);
--> statement-breakpoint
-- Providers indexes
CREATE INDEX IF NOT EXISTS ix_ds_providers_segment_status ON "dataservice"."ds_providers"(segment, status);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_providers_api_key_prefix ON "dataservice"."ds_providers"(api_key_prefix);
--> statement-breakpoint
-- Uploads indexes
CREATE INDEX IF NOT EXISTS ix_ds_uploads_owner_status ON "dataservice"."ds_uploads"(owner_id, status);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_uploads_ferpa ON "dataservice"."ds_uploads"(is_ferpa_covered);
--> statement-breakpoint
-- Ledgers indexes
CREATE INDEX IF NOT EXISTS ix_ds_ledgers_trace_id ON "dataservice"."ds_ledgers"(trace_id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_ledgers_validated ON "dataservice"."ds_ledgers"(validated_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_ledgers_reference ON "dataservice"."ds_ledgers"(reference_type, reference_id);
--> statement-breakpoint
-- Ledger entries indexes
CREATE INDEX IF NOT EXISTS ix_ds_ledger_entries_ledger_id ON "dataservice"."ds_ledger_entries"(ledger_id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_ledger_entries_account ON "dataservice"."ds_ledger_entries"(account_type, account_code);
--> statement-breakpoint
-- Events indexes
CREATE INDEX IF NOT EXISTS ix_ds_events_entity ON "dataservice"."ds_events"(entity_type, entity_id);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_events_created ON "dataservice"."ds_events"(created_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_events_ferpa ON "dataservice"."ds_events"(is_ferpa_access, created_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS ix_ds_events_event_type ON "dataservice"."ds_events"(event_type);
