-- Document 001, Phase 4 check 4: the optional daily_unrealized_pnl table exists once it is
-- enabled (applying this change set is what enables it)
select 'risk.daily_unrealized_pnl' as missing_table
where to_regclass('risk.daily_unrealized_pnl') is null;

-- Document 001, Phase 3: its two indexes exist
select 'risk.' || expected.index_name as missing_index
from (values ('idx_daily_unrealized_pnl_date'), ('idx_daily_unrealized_pnl_account_date')) as expected (index_name)
where to_regclass('risk.' || expected.index_name) is null;
