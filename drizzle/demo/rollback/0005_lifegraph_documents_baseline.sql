-- Rollback of 0005_lifegraph_documents_baseline: drops the baseline documents table, then the lifegraph schema.
DROP TABLE "lifegraph"."documents";
--> statement-breakpoint
DROP SCHEMA "lifegraph";
