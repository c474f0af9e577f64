-- Rollback of 0009_lifegraph_signals_links (doc 002 migration 004): drops its indexes, foreign keys and tables signals/interactions/document_links in reverse order.
DROP INDEX "lifegraph"."idx_signals_dedupe";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_signals_received";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_signals_status";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_interactions_actor";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_interactions_created";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_interactions_type";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_interactions_entity";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_doclinks_document";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_doclinks_entity";
--> statement-breakpoint
ALTER TABLE "lifegraph"."signals" DROP CONSTRAINT "signals_extraction_id_fkey";
--> statement-breakpoint
ALTER TABLE "lifegraph"."document_links" DROP CONSTRAINT "document_links_document_id_fkey";
--> statement-breakpoint
DROP TABLE "lifegraph"."signals";
--> statement-breakpoint
DROP TABLE "lifegraph"."interactions";
--> statement-breakpoint
DROP TABLE "lifegraph"."document_links";
