-- Rollback of 0014_files_workspace_scope_backfill (doc 003's 006): removes the "workspace" key from every data_boundary_contracts.scope.
UPDATE "files"."data_boundary_contracts"
SET "scope" = "scope" - 'workspace'
WHERE "scope" ? 'workspace';
