-- Document 003, "Verification Queries" ("Check that boundary_contracts table exists"), as a
-- query that returns what is wrong: no row when files.data_boundary_contracts exists.
select 'files.data_boundary_contracts' as missing_table
where to_regclass('files.data_boundary_contracts') is null;
