-- Custom change set: doc 002 (Life Graph Migration Guide) migration 001 — install the extensions pgcrypto, pg_trgm and btree_gist in schema public (the default).
CREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "public";
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH SCHEMA "public";
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS "btree_gist" WITH SCHEMA "public";
