-- strata:before
-- Document 001, Phase 0 ("Expected v1 Tables"): the nine v1 tables are there before the v2 migration
select 'risk.' || expected.table_name as missing_v1_table
from (values ('contract_cache'), ('daily_pnl'), ('enforcement_log'), ('lockouts'), ('orders'),
             ('positions'), ('reset_schedule'), ('session_state'), ('trade_history')) as expected (table_name)
where to_regclass('risk.' || expected.table_name) is null;

-- Document 001, Phase 4 check 3: the schema_version table exists
select 'risk.schema_version' as missing_table
where to_regclass('risk.schema_version') is null;

-- Document 001, Phase 1 verification: the version records are there (1, the v1 baseline, and 2, v2)
select expected.version as missing_version
from (values (1), (2)) as expected (version)
where not exists (select 1 from risk.schema_version v where v.version = expected.version);

-- Document 001, Phase 4 check 1: the schema version (the highest successful one) is 2
select max(version) as schema_version
from risk.schema_version
where success
having max(version) is distinct from 2;

-- Document 001, Phase 4 check 2: all nine v1 tables still exist
select 'risk.' || expected.table_name as missing_v1_table
from (values ('contract_cache'), ('daily_pnl'), ('enforcement_log'), ('lockouts'), ('orders'),
             ('positions'), ('reset_schedule'), ('session_state'), ('trade_history')) as expected (table_name)
where to_regclass('risk.' || expected.table_name) is null;

-- Document 001, Phase 4 check 5: the four new indexes exist
select 'risk.' || expected.index_name as missing_index
from (values ('idx_enforcement_log_success'), ('idx_positions_updated'), ('idx_orders_state_account'),
             ('idx_schema_version_applied')) as expected (index_name)
where to_regclass('risk.' || expected.index_name) is null;

-- Document 001, Phase 4 check 6 (PRAGMA integrity_check has no PostgreSQL equivalent): no index
-- of the risk schema is left invalid
select i.indexrelid::regclass::text as invalid_index
from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'risk' and not i.indisvalid;

-- Document 001, Phase 4 check 7: the sample queries on enforcement_log, positions and orders
-- still run (a check PostgreSQL refuses fails the change set too)
select 'risk.enforcement_log' as unreadable where (select count(*) from risk.enforcement_log) < 0
union all
select 'risk.positions' where (select count(*) from risk.positions) < 0
union all
select 'risk.orders' where (select count(*) from risk.orders) < 0;
