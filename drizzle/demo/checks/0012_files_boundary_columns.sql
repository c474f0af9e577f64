-- strata:before
-- Document 003, "Foreign Key Constraint": 003 must run before 004, so the table the new
-- boundary_contract_id references is already there
select 'files.data_boundary_contracts' as missing_table
where to_regclass('files.data_boundary_contracts') is null;

-- Document 003, "Verification Queries" ("Check that new columns exist"): boundary_contract_id,
-- representation_type and materialization_scope are on files.project_files
select expected.column_name as missing_column
from (values ('boundary_contract_id'), ('representation_type'), ('materialization_scope')) as expected (column_name)
where not exists (
  select 1 from information_schema.columns c
  where c.table_schema = 'files' and c.table_name = 'project_files' and c.column_name = expected.column_name
);
