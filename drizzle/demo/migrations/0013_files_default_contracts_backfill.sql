-- Custom data change set: doc 003's 005 (create default boundary contracts for existing data) — one 'default' contract per file root (created_by 'migration:0013', scope {"root_file_uuid": …}, id derived from the root so re-runs are no-ops) for every project_files row without a contract, then link those files to it; nothing to do on an empty table.
INSERT INTO "files"."data_boundary_contracts" ("contract_id", "name", "contract_kind", "scope", "created_by")
SELECT DISTINCT
    md5('migration:0013:' || r.root_file_uuid::text)::uuid,
    'default:' || r.root_file_uuid::text,
    'default',
    jsonb_build_object('root_file_uuid', r.root_file_uuid),
    'migration:0013'
FROM (
    SELECT coalesce(pf."root_file_uuid", pf."file_uuid") AS root_file_uuid
    FROM "files"."project_files" AS pf
    WHERE pf."boundary_contract_id" IS NULL
) AS r
ON CONFLICT ("contract_id") DO NOTHING;
--> statement-breakpoint
UPDATE "files"."project_files" AS pf
SET "boundary_contract_id" = c."contract_id"
FROM "files"."data_boundary_contracts" AS c
WHERE pf."boundary_contract_id" IS NULL
  AND c."contract_id" = md5('migration:0013:' || coalesce(pf."root_file_uuid", pf."file_uuid")::text)::uuid
  AND c."created_by" = 'migration:0013'
  AND c."contract_kind" = 'default';
