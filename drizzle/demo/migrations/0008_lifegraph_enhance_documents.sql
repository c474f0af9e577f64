-- Doc 002 (Life Graph Migration Guide) migration 003 as the guide wrote it, schema-qualified into "lifegraph": source and storage_uri are NOT NULL without a default (fails on a non-empty documents table; kept on purpose); the UNIQUE on sha256 is auto-named documents_sha256_key.
ALTER TABLE "lifegraph"."documents"
    ADD COLUMN sha256 VARCHAR(64) UNIQUE,
    ADD COLUMN source VARCHAR(50) NOT NULL,
    ADD COLUMN mime_type VARCHAR(100),
    ADD COLUMN file_size BIGINT,
    ADD COLUMN storage_uri TEXT NOT NULL,
    ADD COLUMN extraction_type VARCHAR(50),
    ADD COLUMN extraction_data JSONB,
    ADD COLUMN extraction_cost NUMERIC(10, 4),
    ADD COLUMN extracted_at TIMESTAMPTZ;
--> statement-breakpoint
CREATE UNIQUE INDEX idx_documents_sha256 ON "lifegraph"."documents"(sha256);
--> statement-breakpoint
CREATE INDEX idx_documents_source ON "lifegraph"."documents"(source);
--> statement-breakpoint
CREATE INDEX idx_documents_extraction_type ON "lifegraph"."documents"(extraction_type) WHERE extraction_type IS NOT NULL;
--> statement-breakpoint
CREATE INDEX idx_documents_created ON "lifegraph"."documents"(created_at DESC);
