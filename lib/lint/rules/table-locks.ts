import { nodeOf, tableKey } from '../ast';
import { accessExclusiveTables, isVacuumFull } from '../access-exclusive';
import { hits, listed, type LintRule } from '../rule';
import { existsBefore } from './index-locks';

/** Whole-table locks: statements that take ACCESS EXCLUSIVE, and how long they may wait for it. */

export const missingLockTimeout: LintRule = {
  id: 'missing-lock-timeout',
  category: 'locking',
  severity: 'warning',
  title: 'ACCESS EXCLUSIVE lock taken on an existing table without setting lock_timeout',
  explanation:
    'A statement waiting for an ACCESS EXCLUSIVE lock (behind one long-running query) makes every later query on the table queue behind it: a few seconds of waiting becomes an outage. `strata apply` sets lock_timeout for each change set (--lock-timeout, default 5s), but drizzle-kit migrate, psql and other runners do not.',
  saferAlternative: "Start the change set with SET LOCAL lock_timeout = '5s' (or SET lock_timeout in a no-transaction change set), and retry on timeout.",
  checkStatement(ctx) {
    if (ctx.session.lockTimeoutSet) return [];
    const tables = accessExclusiveTables(ctx.statement.node, ctx.model).filter((t) => existsBefore(ctx, t));
    if (tables.length === 0 || !ctx.session.firstTime('missing-lock-timeout')) return [];
    return hits([`this statement locks ${listed(tables)} ACCESS EXCLUSIVE and the change set has not set lock_timeout before it`]);
  },
};

export const vacuumFull: LintRule = {
  id: 'vacuum-full',
  category: 'locking',
  severity: 'error',
  title: 'VACUUM FULL',
  explanation:
    'VACUUM FULL copies the whole table into new files under ACCESS EXCLUSIVE: no reads or writes until it ends, and it needs free disk space for a second copy.',
  saferAlternative: 'Plain VACUUM (no lock on reads and writes); to shrink a bloated table online, the pg_repack extension, or REPACK CONCURRENTLY on PostgreSQL 19+.',
  checkStatement(ctx) {
    if (!isVacuumFull(ctx.statement.node)) return [];
    const tables = accessExclusiveTables(ctx.statement.node, ctx.model);
    return hits([`VACUUM FULL ${tables.length ? listed(tables) : '(every table of the database)'} rewrites under ACCESS EXCLUSIVE`]);
  },
};

export const cluster: LintRule = {
  id: 'cluster',
  category: 'locking',
  severity: 'error',
  title: 'CLUSTER',
  explanation: 'CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE: no reads or writes until it ends.',
  saferAlternative: 'The pg_repack extension (online reorder), or REPACK CONCURRENTLY on PostgreSQL 19+.',
  checkStatement(ctx) {
    const stmt = nodeOf(ctx.statement.node, 'ClusterStmt');
    if (!stmt) return [];
    return hits([`CLUSTER ${stmt.relation ? tableKey(stmt.relation) : '(every previously clustered table)'} rewrites under ACCESS EXCLUSIVE`]);
  },
};

export const TABLE_LOCK_RULES: LintRule[] = [missingLockTimeout, vacuumFull, cluster];
