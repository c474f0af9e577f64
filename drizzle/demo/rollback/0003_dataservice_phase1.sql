-- Rollback of 0003_dataservice_phase1: doc 000's rollback strategy (DROP TABLE IF EXISTS … CASCADE, deletes all data in these tables), schema-qualified, then the dataservice schema.
DROP TABLE IF EXISTS "dataservice"."ds_events" CASCADE;
--> statement-breakpoint
DROP TABLE IF EXISTS "dataservice"."ds_ledger_entries" CASCADE;
--> statement-breakpoint
DROP TABLE IF EXISTS "dataservice"."ds_ledgers" CASCADE;
--> statement-breakpoint
DROP TABLE IF EXISTS "dataservice"."ds_uploads" CASCADE;
--> statement-breakpoint
DROP TABLE IF EXISTS "dataservice"."ds_providers" CASCADE;
--> statement-breakpoint
DROP TABLE IF EXISTS "dataservice"."ds_users" CASCADE;
--> statement-breakpoint
DROP SCHEMA "dataservice";
