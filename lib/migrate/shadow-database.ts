import { randomBytes } from 'node:crypto';
import { findChangeSet, type ChangeSet, type Project } from '../changesets/project';
import { connect } from '../db/client';
import { withDatabase } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';
import type { Logger } from '../observability/logger';
import { parseAll, runInOrder, type RunResult } from './apply';
import type { RunContext } from './run-context';
import { withTargetLock } from './target-lock';
import { openTargetSession } from './target-session';

/** Every shadow database's name starts with this, so a leftover one is recognisable. */
export const SHADOW_PREFIX = 'strata_shadow_';

/**
 * A throwaway database on `serverUrl`'s server with change sets applied — the project's up
 * to `to`, or exactly `changeSets` in the given order (a target's applied set, gaps and
 * all) — for work that must not touch a real target: generated docs, shadow dry runs,
 * drift checks. Always dropped afterwards, even on failure.
 */
export async function withShadowDatabase<T>(
  serverUrl: string,
  project: Project,
  logger: Logger,
  work: (url: string) => Promise<T>,
  options: { to?: string; changeSets?: ChangeSet[] } = {},
): Promise<T> {
  const name = `${SHADOW_PREFIX}${randomBytes(5).toString('hex')}`;
  const admin = connect(withDatabase(serverUrl, 'postgres'), { max: 1, applicationName: 'strata:shadow' });
  try {
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

async function replay(ctx: RunContext, project: Project, options: { to?: string; changeSets?: ChangeSet[] }): Promise<RunResult> {
  const upTo = options.to === undefined ? Infinity : findChangeSet(project, options.to).version;
  const plan = options.changeSets ?? project.changeSets.filter((c) => c.version <= upTo);
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    await openTargetSession(conn, project, ctx);
    return runInOrder(conn, ctx, await parseAll(plan, (c) => c.forward), 'up', 'apply');
  });
}
