-- Custom data change set: doc 003's 006 (update existing contracts with workspace scope) — add a "workspace" key to every data_boundary_contracts.scope that lacks one: the first directory of its linked files' file_path (smallest if several), else the constant 'default'; idempotent.
UPDATE "files"."data_boundary_contracts" AS c
SET "scope" = c."scope" || jsonb_build_object('workspace', coalesce(w.workspace, 'default'))
FROM (
    SELECT c2."contract_id",
           min(substring(ltrim(pf."file_path", '/') FROM '^([^/]+)/')) AS workspace
    FROM "files"."data_boundary_contracts" AS c2
    LEFT JOIN "files"."project_files" AS pf ON pf."boundary_contract_id" = c2."contract_id"
    GROUP BY c2."contract_id"
) AS w
WHERE w."contract_id" = c."contract_id"
  AND NOT (c."scope" ? 'workspace');
