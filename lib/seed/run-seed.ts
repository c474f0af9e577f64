import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { getTableColumns, sql as dsql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Project } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import { StrataError } from '../errors';
import { loadDrizzleRows, loadHistory } from '../migrate/history-store';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type RunContext } from '../migrate/run-context';
import { computeTargetStatus } from '../migrate/target-state';
import { withTargetLock, type LockedConnection } from '../migrate/target-lock';
import { displayPath, loadProject, PROJECT_CONFIG_FILE } from '../project/load-project';
import { copyField, quotedTable } from './helpers';
import { cascadeOf, foreignKeyEdges, parentsOf, parseTableName, tableExists } from './table-graph';
import type { BulkSeed, SeedDb, SeedOptions, SeedResult, SeedSet, SeedStep, TableSeedPlan } from './types';

/** Schemas a reset never touches, whatever a seed set declares. */
const BOOKKEEPING_SCHEMAS = new Set(['strata', 'drizzle', 'pg_catalog', 'information_schema']);
const isBookkeeping = (schema: string) => BOOKKEEPING_SCHEMAS.has(schema) || schema.startsWith('strata_backup_') || schema.startsWith('pg_');

/** Rows per chunk written to COPY's stream. */
const COPY_CHUNK_ROWS = 2_000;

/**
 * The seed set the project declares in its strata.config.ts (`defineProject({ seeds })`).
 * NOT_FOUND when it declares none; MALFORMED_PROJECT when the config cannot be loaded.
 */
export async function seedSetFor(project: Pick<Project, 'dir'>): Promise<SeedSet> {
  const { configFile, definition } = await loadProject(project.dir);
  if (definition.seeds) return definition.seeds;
  const why = configFile
    ? `${displayPath(configFile)} declares none (add seeds to its defineProject({ … }))`
    : `it has no ${PROJECT_CONFIG_FILE} (export default defineProject({ seeds }) there to declare one)`;
  throw new StrataError('NOT_FOUND', `no seed set for ${displayPath(project.dir)}: ${why}; nothing was seeded`);
}

/** The steps a run takes: bulk (COPY) steps only when a scale is asked for. */
export function plannedSteps(set: SeedSet, scale: number): SeedStep[] {
  return set.steps.filter((step) => !('bulk' in step) || scale > 0);
}

function checkScale(scale: number | undefined): number {
  const n = scale ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) throw new StrataError('BAD_USAGE', `scale takes a whole number of rows, 0 or more (got ${scale})`);
  return n;
}

/**
 * What seeding (or resetting) one table takes, from the target's live foreign keys: the
 * table and every parent its keys need, transitively, that the seed set has rows for (in
 * the set's order), and the tables `TRUNCATE … CASCADE` would also empty. NOT_FOUND for
 * a table the target does not have, or one the seed set has no rows for.
 */
export async function planTableSeed(sql: Sql, set: SeedSet, tableName: string, environment: string | null): Promise<TableSeedPlan> {
  const ref = parseTableName(tableName);
  const table = `${ref.schema}.${ref.name}`;
  if (isBookkeeping(ref.schema) || !(await tableExists(sql, ref))) {
    throw new StrataError('NOT_FOUND', `${environment ?? 'The database'} has no table ${table}; nothing was changed`, { table });
  }
  const seeded = new Set(set.steps.map((s) => s.table));
  if (!seeded.has(table)) {
    throw new StrataError('NOT_FOUND', `The ${set.name} seed set has no seed data for ${table}; nothing was changed`, { table });
  }
  const edges = await foreignKeyEdges(sql);
  const parents = parentsOf(edges, table);
  const wanted = new Set([table, ...parents]);
  return {
    table,
    seeds: [...new Set(set.steps.map((s) => s.table).filter((t) => wanted.has(t)))],
    unseededParents: parents.filter((p) => !seeded.has(p)),
    alsoEmpties: cascadeOf(edges, table),
  };
}

/** The plan of a per-table seed or reset, read without changing anything (for a preview or a confirmation). */
export async function previewTableSeed(url: string, project: Project, table: string, environment: string | null): Promise<TableSeedPlan> {
  parseTableName(table);
  const set = await seedSetFor(project);
  const sql = connect(url, { max: 1, applicationName: 'strata:seed-preview' });
  try {
    return await planTableSeed(sql, set, table, environment);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Seeds a target with its project's seed set, under the target lock: refuses unless every
 * change set of the project is applied (seeds are written for the latest schema); with
 * `reset`, first empties every table of the schemas the seed set manages in one
 * `TRUNCATE … RESTART IDENTITY CASCADE` (never strata, drizzle or strata_backup_*); then
 * runs each step in its own transaction, in dependency order. Steps upsert fixed keys, so
 * a rerun — also after a run that failed half-way — finishes with the same rows and no
 * duplicates. `scale` > 0 also streams that many usage events with COPY.
 *
 * With `table`, only that table and the parents its live foreign keys need are seeded (the
 * same events, one `seed-table` per table written), and `reset` truncates only that table,
 * CASCADE emptying the tables that reference it — refused if `confirmCascade` names others.
 */
export async function seedDatabase(ctx: RunContext, project: Project, options: SeedOptions = {}): Promise<SeedResult> {
  // A bad table name is refused before anything loads or connects.
  if (options.table !== undefined) parseTableName(options.table);
  const set = await seedSetFor(project);
  const scale = checkScale(options.scale);
  if (options.table !== undefined && scale > 0) {
    throw new StrataError('BAD_USAGE', 'scale streams usage events for benchmarks and does not combine with a single table; nothing was seeded');
  }
  const reset = options.reset === true;
  const t0 = performance.now();
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    ctx.onProgress?.({ type: 'phase', label: 'Checking that every change set is applied' });
    await assertFullyApplied(conn, project);

    const sql = connect(ctx.url, { max: 1, applicationName: `strata:seed:${ctx.actor}`.slice(0, 63) });
    try {
      const db = drizzle(sql) as unknown as SeedDb;
      const timeouts = {
        lock: Math.round(ctx.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS),
        statement: Math.round(ctx.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS),
      };
      let steps = plannedSteps(set, scale);
      let truncated: string[];
      if (options.table !== undefined) {
        ctx.onProgress?.({ type: 'phase', label: `Reading the foreign keys of ${options.table}` });
        const plan = await planTableSeed(sql, set, options.table, ctx.environment);
        if (plan.unseededParents.length) {
          ctx.logger.info({ env: ctx.environment, table: plan.table, parents: plan.unseededParents }, 'parents without seed data are left as they are');
        }
        truncated = reset ? await truncateTable(sql, ctx, plan, options.confirmCascade, timeouts) : [];
        steps = steps.filter((s) => plan.seeds.includes(s.table));
      } else {
        truncated = reset ? await truncateManaged(sql, ctx, set, timeouts) : [];
      }

      const tables: SeedResult['tables'] = [];
      let scaledRows = 0;
      ctx.onProgress?.({ type: 'phase', label: `Seeding ${steps.length} tables (${set.name}${options.table !== undefined ? `: ${options.table} and the parents it needs` : ''})` });
      for (const [position, step] of steps.entries()) {
        const s0 = performance.now();
        let rows: number;
        if ('bulk' in step) {
          rows = await copyBulk(sql, db, step.bulk, scale, timeouts);
          scaledRows += rows;
        } else {
          rows = await db.transaction(async (tx) => {
            await tx.execute(dsql.raw(`set local lock_timeout = ${timeouts.lock}`));
            await tx.execute(dsql.raw(`set local statement_timeout = ${timeouts.statement}`));
            return step.run(tx);
          });
        }
        const durationMs = Math.round(performance.now() - s0);
        tables.push({ table: step.table, rows, durationMs });
        ctx.logger.info(
          { env: ctx.environment, seed: set.name, table: step.table, rows, duration_ms: durationMs, position, total: steps.length, bulk: 'bulk' in step, actor: ctx.actor },
          'seeded table',
        );
        ctx.onProgress?.({ type: 'seed-table', table: step.table, rows, position, total: steps.length });
      }
      // Fresh statistics for what was just written: without them reltuples stays -1 (or
      // stale after a reset) and the Retention page's estimates and the planner are blind.
      ctx.onProgress?.({ type: 'phase', label: 'Updating planner statistics' });
      const written = [...new Set(tables.map((t) => t.table))].map((name) => {
        const [schema, table] = name.split('.') as [string, string];
        return quoteQualified(schema, table);
      });
      if (written.length) await sql.unsafe(`analyze ${written.join(', ')}`);
      return { reset, tables, durationMs: Math.round(performance.now() - t0), truncated, scaledRows, ...(options.table !== undefined ? { table: options.table } : {}) };
    } finally {
      await sql.end({ timeout: 5 });
    }
  }, { waitMs: ctx.lockWaitMs });
}

/** INVALID_STATE naming every change set that is not applied (pending, failed, out of order, edited). */
async function assertFullyApplied(conn: LockedConnection, project: Project): Promise<void> {
  const status = computeTargetStatus(project, await loadHistory(conn), await loadDrizzleRows(conn));
  const notApplied = status.changeSets.filter((c) => c.state !== 'applied');
  if (!notApplied.length) return;
  const list = notApplied.map((c) => (c.state === 'pending' ? c.changeSet.tag : `${c.changeSet.tag} (${c.state.replace(/_/g, ' ')})`));
  throw new StrataError(
    'INVALID_STATE',
    `Seeds are written for the latest schema, and ${notApplied.length} change set${notApplied.length === 1 ? ' is' : 's are'} not applied: ${list.join(', ')}. Apply them first; nothing was seeded.`,
    { pending: notApplied.map((c) => c.changeSet.tag) },
  );
}

/**
 * Empties every table of the seed set's schemas (partitioned parents stand for their
 * partitions) in one statement, restarting their identity sequences.
 */
async function truncateManaged(sql: Sql, ctx: RunContext, set: SeedSet, timeouts: { lock: number; statement: number }): Promise<string[]> {
  const schemas = set.schemas.filter((s) => !isBookkeeping(s));
  const rows = await sql`
    select n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
    order by n.nspname, c.relname`;
  const tables = rows
    .map((r) => ({ schema: String(r.schema), name: String(r.name) }))
    .filter((t) => schemas.includes(t.schema) && !isBookkeeping(t.schema));
  ctx.onProgress?.({ type: 'phase', label: `Reset: truncating ${tables.length} tables of ${schemas.join(', ')}` });
  if (!tables.length) return [];
  const s0 = performance.now();
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local lock_timeout = ${timeouts.lock}`);
    await tx.unsafe(`set local statement_timeout = ${timeouts.statement}`);
    await tx.unsafe(`truncate table ${tables.map((t) => quoteQualified(t.schema, t.name)).join(', ')} restart identity cascade`);
  });
  const names = tables.map((t) => `${t.schema}.${t.name}`);
  ctx.logger.info({ env: ctx.environment, seed: set.name, tables: names, duration_ms: Math.round(performance.now() - s0), actor: ctx.actor }, 'tables truncated for reset');
  return names;
}

/**
 * Empties one table and everything its TRUNCATE … CASCADE reaches, restarting their
 * identities. `confirmed`, when given, is the list the caller was shown and agreed to: if
 * the live foreign keys now reach other tables, nothing is emptied (CONFIRMATION_REQUIRED).
 */
async function truncateTable(sql: Sql, ctx: RunContext, plan: TableSeedPlan, confirmed: string[] | undefined, timeouts: { lock: number; statement: number }): Promise<string[]> {
  if (confirmed !== undefined) {
    const same = confirmed.length === plan.alsoEmpties.length && [...confirmed].sort().every((t, i) => t === plan.alsoEmpties[i]);
    if (!same) {
      throw new StrataError(
        'CONFIRMATION_REQUIRED',
        `Resetting ${plan.table} would also empty ${plan.alsoEmpties.length ? plan.alsoEmpties.join(', ') : 'no other table'}, not what was confirmed (${confirmed.length ? confirmed.join(', ') : 'no other table'}); nothing was changed`,
        { table: plan.table, alsoEmpties: plan.alsoEmpties },
      );
    }
  }
  const bookkeeping = plan.alsoEmpties.filter((t) => isBookkeeping(t.split('.')[0]!));
  if (bookkeeping.length) {
    throw new StrataError('INVALID_STATE', `Resetting ${plan.table} would also empty ${bookkeeping.join(', ')}, which Strata keeps; nothing was changed`, { table: plan.table });
  }
  const names = [plan.table, ...plan.alsoEmpties];
  ctx.onProgress?.({ type: 'phase', label: `Reset: truncating ${plan.table}${plan.alsoEmpties.length ? ` and ${plan.alsoEmpties.length} tables that reference it` : ''}` });
  const s0 = performance.now();
  const ref = parseTableName(plan.table);
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local lock_timeout = ${timeouts.lock}`);
    await tx.unsafe(`set local statement_timeout = ${timeouts.statement}`);
    await tx.unsafe(`truncate table ${quoteQualified(ref.schema, ref.name)} restart identity cascade`);
  });
  ctx.logger.info({ env: ctx.environment, table: plan.table, tables: names, duration_ms: Math.round(performance.now() - s0), actor: ctx.actor }, 'table truncated for reset');
  return names;
}

/**
 * Streams rows `firstMissing … scale-1` of a bulk seed with COPY, in one transaction. The
 * table's foreign keys are dropped for the load and added back before commit, which checks
 * every row against the referenced tables in one pass per key (as pg_restore does) instead
 * of one locked lookup per row and key — the difference between ~25 s and ~12 s for a
 * million usage events. A violation fails the ADD, and the rollback restores both the keys
 * and the table. The table is locked (ACCESS EXCLUSIVE) for the duration.
 */
async function copyBulk(sql: Sql, db: SeedDb, bulk: BulkSeed, scale: number, timeouts: { lock: number; statement: number }): Promise<number> {
  const from = await bulk.firstMissing(db, scale);
  if (from >= scale) return 0;
  const columns = getTableColumns(bulk.table) as Record<string, PgColumn>;
  const names = bulk.columns.map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`bulk seed: no column "${key}"`);
    return quoteIdent(column.name);
  });
  const table = quotedTable(bulk.table);
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local lock_timeout = ${timeouts.lock}`);
    await tx.unsafe(`set local statement_timeout = ${timeouts.statement}`);
    const foreignKeys = await tx`
      select conname as name, pg_get_constraintdef(oid) as definition
      from pg_constraint
      where conrelid = ${table}::regclass and contype = 'f' and conparentid = 0
      order by conname`;
    const keys = foreignKeys.map((k) => ({ name: quoteIdent(String(k.name)), definition: String(k.definition) }));
    if (keys.length) await tx.unsafe(`alter table ${table} ${keys.map((k) => `drop constraint ${k.name}`).join(', ')}`);
    const writable = await tx.unsafe(`copy ${table} (${names.join(', ')}) from stdin`).writable();
    await pipeline(Readable.from(copyChunks(bulk, from, scale)), writable);
    if (keys.length) await tx.unsafe(`alter table ${table} ${keys.map((k) => `add constraint ${k.name} ${k.definition}`).join(', ')}`);
  });
  return scale - from;
}

/** COPY text-format lines for rows [from, to), a chunk at a time. */
export function* copyChunks(bulk: Pick<BulkSeed, 'row'>, from: number, to: number): Generator<string> {
  for (let start = from; start < to; start += COPY_CHUNK_ROWS) {
    const end = Math.min(to, start + COPY_CHUNK_ROWS);
    let chunk = '';
    for (let i = start; i < end; i++) {
      const values = bulk.row(i);
      let line = '';
      for (let v = 0; v < values.length; v++) line += (v ? '\t' : '') + copyField(values[v]);
      chunk += `${line}\n`;
    }
    yield chunk;
  }
}
