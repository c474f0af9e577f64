-- Document 003, "Verification Queries" ("Check that existing files have contracts"): after
-- the backfill every project file is linked to a boundary contract
select file_uuid, ui_name, file_path
from files.project_files
where boundary_contract_id is null;
