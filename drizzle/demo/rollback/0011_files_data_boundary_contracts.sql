-- Rollback of 0011_files_data_boundary_contracts (doc 003's 003): drops data_boundary_contracts.
DROP TABLE "files"."data_boundary_contracts";
