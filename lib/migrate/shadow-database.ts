import { randomBytes } from 'node:crypto';
import { findChangeSet, type ChangeSet, type Project } from '../changesets/project';
import { assertReachable, connect, describePgError, type Sql } from '../db/client';
import { redactUrl, withDatabase } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';
import type { Logger } from '../observability/logger';
import { withoutBackups } from '../backup/backups';
import { parseAll, runInOrder, type RunResult } from './run-plan';
import type { RunContext } from './run-context';
import { withTargetLock } from './target-lock';
import { openTargetSession } from './target-session';

/** Every shadow database's name starts with this, so a leftover one is recognisable. */
export const SHADOW_PREFIX = 'strata_shadow_';

/** Shadows older than this are leftovers of a process that died: no Strata operation runs that long on one. */
export const SHADOW_MAX_AGE_MS = 3_600_000;

/**
 * `strata_shadow_<birth: base36 epoch seconds>_<random>`: the name carries its creation time
 * on the server's clock, so a sweep from any process (on any host, whatever its clock) can
 * tell a leftover from a shadow another process is using right now.
 */
export function shadowName(bornAtEpochSeconds: number): string {
  return `${SHADOW_PREFIX}${Math.floor(bornAtEpochSeconds).toString(36)}_${randomBytes(5).toString('hex')}`;
}

/**
 * What a database name says about a shadow: born when (this format), `legacy` for the old
 * format `strata_shadow_<10 hex>` (no time), null for any other name — never swept.
 */
export function parseShadowName(name: string): { bornAt: Date } | 'legacy' | null {
  if (/^strata_shadow_[0-9a-f]{10}$/.test(name)) return 'legacy';
  const match = /^strata_shadow_([0-9a-z]{6,7})_[0-9a-f]{10}$/.exec(name);
  return match ? { bornAt: new Date(parseInt(match[1]!, 36) * 1000) } : null;
}

/**
 * A throwaway database on `serverUrl`'s server with change sets applied — the project's up
 * to `to`, or exactly `changeSets` in the given order (a target's applied set, gaps and
 * all) — for work that must not touch a real target: generated docs, shadow dry runs,
 * drift checks. Always dropped afterwards, even on failure; what a killed process leaves
 * behind, the first shadow of a later process sweeps away (see sweepShadowDatabases).
 */
export async function withShadowDatabase<T>(
  serverUrl: string,
  project: Project,
  logger: Logger,
  work: (url: string) => Promise<T>,
  options: { to?: string; changeSets?: ChangeSet[] } = {},
): Promise<T> {
  const admin = connect(withDatabase(serverUrl, 'postgres'), { max: 1, applicationName: 'strata:shadow' });
  try {
    // An unreachable shadow server is one clear CONNECTION_FAILED naming it, not a driver error half-way.
    await assertReachable(admin, withDatabase(serverUrl, 'postgres'));
    await sweepOncePerProcess(admin, serverUrl, logger);
    const [clock] = await admin`select floor(extract(epoch from clock_timestamp()))::bigint as now`;
    const name = shadowName(Number(clock!.now));
    await admin.unsafe(`create database ${quoteIdent(name)}`);
    const url = withDatabase(serverUrl, name);
    try {
      const ctx: RunContext = { url, environment: null, actor: 'strata-shadow', logger };
      const result = await replay(ctx, project, options);
      if (result.failed) {
        throw new StrataError('STATEMENT_FAILED', `Shadow replay failed at ${result.failed.tag}: ${result.failed.error?.message}`, { tag: result.failed.tag });
      }
      return await work(url);
    } finally {
      await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** What one sweep did on one server. */
export interface ShadowSweep {
  /** Shadows dropped, with their birth time (null: old format, no session connected). */
  dropped: Array<{ name: string; bornAt: Date | null }>;
  /** Shadows left alone because they are younger than the limit: another process may be using them. */
  young: string[];
  /** Old-format shadows left alone because a session is connected to them. */
  inUse: string[];
  /** Shadows that could not be dropped (say, owned by another role), with PostgreSQL's reason. */
  failed: Array<{ name: string; reason: string }>;
}

/**
 * Drops the shadow databases a killed process left on `serverUrl`'s server: those born more
 * than `olderThanMs` ago (WITH (FORCE): whoever is still connected to a shadow that old is
 * a leftover too), and those named in the old format without a time when no session is
 * connected. Younger shadows and every other database are never touched. Throws only when
 * the server cannot be reached; one shadow that cannot be dropped is reported, not thrown.
 */
export async function sweepShadowDatabases(serverUrl: string, options: { olderThanMs?: number } = {}): Promise<ShadowSweep> {
  const url = withDatabase(serverUrl, 'postgres');
  const admin = connect(url, { max: 1, applicationName: 'strata:shadow-sweep' });
  try {
    await assertReachable(admin, url);
    return await sweepOn(admin, options.olderThanMs ?? SHADOW_MAX_AGE_MS);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

async function sweepOn(admin: Sql, olderThanMs: number): Promise<ShadowSweep> {
  const rows = await admin`
    select d.datname as name,
      (select count(*) from pg_stat_activity a where a.datname = d.datname)::int as sessions,
      extract(epoch from clock_timestamp()) * 1000 as now_ms
    from pg_database d
    where starts_with(d.datname, ${SHADOW_PREFIX})
    order by d.datname`;
  const sweep: ShadowSweep = { dropped: [], young: [], inUse: [], failed: [] };
  for (const row of rows) {
    const name = String(row.name);
    const parsed = parseShadowName(name);
    if (parsed === null) continue;
    const bornAt = parsed === 'legacy' ? null : parsed.bornAt;
    if (bornAt && Number(row.now_ms) - bornAt.getTime() < olderThanMs) {
      sweep.young.push(name);
      continue;
    }
    if (!bornAt && Number(row.sessions) > 0) {
      sweep.inUse.push(name);
      continue;
    }
    try {
      // An old-format name has no age: without FORCE, PostgreSQL refuses if a session connected meanwhile.
      await admin.unsafe(`drop database if exists ${quoteIdent(name)}${bornAt ? ' with (force)' : ''}`);
      sweep.dropped.push({ name, bornAt });
    } catch (error) {
      if ((error as { code?: string }).code === '55006') sweep.inUse.push(name);
      else sweep.failed.push({ name, reason: describePgError(error) });
    }
  }
  return sweep;
}

/** Servers swept by this process already: the sweep runs once, before the first shadow. */
const sweptServers = new Set<string>();

/**
 * Sweeps before this process's first shadow on a server, so leftovers are cleared even
 * where only the CLI runs (CI). A failed sweep is logged and never stops the shadow.
 */
async function sweepOncePerProcess(admin: Sql, serverUrl: string, logger: Logger): Promise<void> {
  const server = redactUrl(withDatabase(serverUrl, 'postgres'));
  if (sweptServers.has(server)) return;
  sweptServers.add(server);
  try {
    const sweep = await sweepOn(admin, SHADOW_MAX_AGE_MS);
    for (const d of sweep.dropped) logger.info({ database: d.name, born_at: d.bornAt?.toISOString() ?? null }, 'leftover shadow database dropped');
    for (const f of sweep.failed) logger.warn({ database: f.name, error: f.reason }, 'leftover shadow database could not be dropped');
  } catch (error) {
    logger.warn({ error: describePgError(error) }, 'shadow database sweep failed');
  }
}

async function replay(ctx: RunContext, project: Project, options: { to?: string; changeSets?: ChangeSet[] }): Promise<RunResult> {
  const upTo = options.to === undefined ? Infinity : findChangeSet(project, options.to).version;
  const plan = options.changeSets ?? project.changeSets.filter((c) => c.version <= upTo);
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    await openTargetSession(conn, project, ctx);
    // A shadow is scratch: nothing on it is worth a copy.
    return runInOrder(conn, withoutBackups(ctx), await parseAll(plan, 'up'), 'apply');
  });
}
