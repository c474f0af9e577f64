-- Rollback of 0006_lifegraph_extensions: doc 002 migration 001's downgrade (drops btree_gist, pg_trgm, pgcrypto in reverse order).
DROP EXTENSION IF EXISTS "btree_gist";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "pg_trgm";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "pgcrypto";
