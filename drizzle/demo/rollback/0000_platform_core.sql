-- Rollback of 0000_platform_core (doc 004 core entities): drops its indexes, foreign keys and tables in reverse order, then the platform schema.
DROP INDEX "platform"."audit_log_entity_type_entity_id_idx";
--> statement-breakpoint
DROP INDEX "platform"."audit_log_occurred_at_idx";
--> statement-breakpoint
DROP INDEX "platform"."api_keys_user_id_idx";
--> statement-breakpoint
DROP INDEX "platform"."api_keys_organization_id_idx";
--> statement-breakpoint
ALTER TABLE "platform"."users" DROP CONSTRAINT "users_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."budgets" DROP CONSTRAINT "budgets_organization_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."api_keys" DROP CONSTRAINT "api_keys_user_id_fkey";
--> statement-breakpoint
ALTER TABLE "platform"."api_keys" DROP CONSTRAINT "api_keys_organization_id_fkey";
--> statement-breakpoint
DROP TABLE "platform"."users";
--> statement-breakpoint
DROP TABLE "platform"."organizations";
--> statement-breakpoint
DROP TABLE "platform"."models";
--> statement-breakpoint
DROP TABLE "platform"."budgets";
--> statement-breakpoint
DROP TABLE "platform"."audit_log";
--> statement-breakpoint
DROP TABLE "platform"."api_keys";
--> statement-breakpoint
DROP SCHEMA "platform";
