-- Rollback of 0008_lifegraph_enhance_documents: doc 002 migration 003's downgrade, schema-qualified (drops the four indexes, then the nine added columns; dropping sha256 drops documents_sha256_key).
DROP INDEX "lifegraph"."idx_documents_created";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_documents_extraction_type";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_documents_source";
--> statement-breakpoint
DROP INDEX "lifegraph"."idx_documents_sha256";
--> statement-breakpoint
ALTER TABLE "lifegraph"."documents"
    DROP COLUMN extracted_at,
    DROP COLUMN extraction_cost,
    DROP COLUMN extraction_data,
    DROP COLUMN extraction_type,
    DROP COLUMN storage_uri,
    DROP COLUMN file_size,
    DROP COLUMN mime_type,
    DROP COLUMN source,
    DROP COLUMN sha256;
