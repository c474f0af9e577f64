-- Rollback of 0010_files_project_files_base (doc 003's 001): drops its indexes, self-referencing foreign keys and project_files, then the files schema.
DROP INDEX "files"."project_files_processing_status_idx";
--> statement-breakpoint
DROP INDEX "files"."project_files_parent_file_uuid_idx";
--> statement-breakpoint
DROP INDEX "files"."project_files_root_file_uuid_idx";
--> statement-breakpoint
ALTER TABLE "files"."project_files" DROP CONSTRAINT "project_files_parent_file_uuid_fkey";
--> statement-breakpoint
ALTER TABLE "files"."project_files" DROP CONSTRAINT "project_files_root_file_uuid_fkey";
--> statement-breakpoint
DROP TABLE "files"."project_files";
--> statement-breakpoint
DROP SCHEMA "files";
