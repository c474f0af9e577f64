-- Rollback of 0013_files_default_contracts_backfill (doc 003's 005): unlinks the files from the default contracts this change set created (created_by 'migration:0013'), then deletes those contracts.
UPDATE "files"."project_files" AS pf
SET "boundary_contract_id" = NULL
FROM "files"."data_boundary_contracts" AS c
WHERE pf."boundary_contract_id" = c."contract_id"
  AND c."created_by" = 'migration:0013'
  AND c."contract_kind" = 'default';
--> statement-breakpoint
DELETE FROM "files"."data_boundary_contracts"
WHERE "created_by" = 'migration:0013'
  AND "contract_kind" = 'default';
