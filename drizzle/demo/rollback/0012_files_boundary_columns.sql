-- Rollback of 0012_files_boundary_columns (doc 003's 004): drops the three boundary columns in reverse order (dropping boundary_contract_id drops project_files_boundary_contract_id_fkey); IF EXISTS, mirroring the forward ADD COLUMN IF NOT EXISTS.
ALTER TABLE "files"."project_files" DROP COLUMN IF EXISTS "materialization_scope";
--> statement-breakpoint
ALTER TABLE "files"."project_files" DROP COLUMN IF EXISTS "representation_type";
--> statement-breakpoint
ALTER TABLE "files"."project_files" DROP COLUMN IF EXISTS "boundary_contract_id";
