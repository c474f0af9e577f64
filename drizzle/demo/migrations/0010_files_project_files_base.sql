CREATE SCHEMA "files";
--> statement-breakpoint
CREATE TABLE "files"."project_files" (
	"file_uuid" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ui_name" text NOT NULL,
	"file_path" text NOT NULL,
	"file_type" text,
	"mime_type" text,
	"size" bigint,
	"processing_status" text DEFAULT 'pending' NOT NULL,
	"processing_errors" jsonb,
	"root_file_uuid" uuid,
	"parent_file_uuid" uuid,
	"lineage_depth" integer DEFAULT 0 NOT NULL,
	"access_level" text DEFAULT 'private' NOT NULL,
	"permissions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"data_classification" text DEFAULT 'internal' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_files_size_check" CHECK (size >= 0),
	CONSTRAINT "project_files_processing_status_check" CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed')),
	CONSTRAINT "project_files_lineage_depth_check" CHECK (lineage_depth >= 0),
	CONSTRAINT "project_files_access_level_check" CHECK (access_level IN ('private', 'project', 'organization', 'public')),
	CONSTRAINT "project_files_data_classification_check" CHECK (data_classification IN ('public', 'internal', 'confidential', 'restricted'))
);
--> statement-breakpoint
ALTER TABLE "files"."project_files" ADD CONSTRAINT "project_files_root_file_uuid_fkey" FOREIGN KEY ("root_file_uuid") REFERENCES "files"."project_files"("file_uuid") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "files"."project_files" ADD CONSTRAINT "project_files_parent_file_uuid_fkey" FOREIGN KEY ("parent_file_uuid") REFERENCES "files"."project_files"("file_uuid") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_files_root_file_uuid_idx" ON "files"."project_files" USING btree ("root_file_uuid");--> statement-breakpoint
CREATE INDEX "project_files_parent_file_uuid_idx" ON "files"."project_files" USING btree ("parent_file_uuid");--> statement-breakpoint
CREATE INDEX "project_files_processing_status_idx" ON "files"."project_files" USING btree ("processing_status");