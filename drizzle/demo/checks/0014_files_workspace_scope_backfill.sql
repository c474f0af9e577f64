-- Document 003's 006 ("Updates existing contracts with workspace scope"): every boundary
-- contract's scope has a workspace key afterwards
select contract_id, name, scope
from files.data_boundary_contracts
where not (scope ? 'workspace');
