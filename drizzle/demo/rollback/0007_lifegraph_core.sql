-- Rollback of 0007_lifegraph_core (doc 002 migration 002): drops its indexes, foreign keys, tables and enum types in reverse order (the guide's downgrade: commitments, roles, parties, commitment_state, commitment_type).
DROP INDEX "lifegraph"."idx_roles_domains";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_roles_party";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_roles_user";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_parties_tax_id";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_parties_kind";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_parties_name_trgm";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_commitments_counterparty";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_commitments_domains";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_commitments_priority";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_commitments_state_due";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_commitments_role";
--> statement-breakpoint
ALTER TABLE "lifegraph"."roles" DROP CONSTRAINT "roles_party_id_fkey";
--> statement-breakpoint
ALTER TABLE "lifegraph"."commitments" DROP CONSTRAINT "commitments_counterparty_id_fkey";
--> statement-breakpoint
ALTER TABLE "lifegraph"."commitments" DROP CONSTRAINT "commitments_role_id_fkey";
--> statement-breakpoint
DROP TABLE "lifegraph"."roles";
--> statement-breakpoint
DROP TABLE "lifegraph"."parties";
--> statement-breakpoint
DROP TABLE "lifegraph"."commitments";
--> statement-breakpoint
DROP TYPE "lifegraph"."commitment_type";
--> statement-breakpoint
DROP TYPE "lifegraph"."commitment_state";
