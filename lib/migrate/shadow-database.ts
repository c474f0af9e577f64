import { randomBytes } from 'node:crypto';
import type { Project } from '../changesets/project';
import { connect } from '../db/client';
import { withDatabase } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';
import type { Logger } from '../observability/logger';
import { applyChangeSets } from './apply';

/**
 * A throwaway database on `serverUrl`'s server with the project's change sets applied (up
 * to `to`), for work that must not touch a real target: generated docs, and later shadow
 * dry runs and drift checks. Always dropped afterwards, even on failure.
 */
export async function withShadowDatabase<T>(
  serverUrl: string,
  project: Project,
  logger: Logger,
  work: (url: string) => Promise<T>,
  options: { to?: string } = {},
): Promise<T> {
  const name = `strata_shadow_${randomBytes(5).toString('hex')}`;
  const admin = connect(withDatabase(serverUrl, 'postgres'), { max: 1, applicationName: 'strata:shadow' });
  try {
    await admin.unsafe(`create database ${quoteIdent(name)}`);
    const url = withDatabase(serverUrl, name);
    try {
      const result = await applyChangeSets({ url, environment: null, actor: 'strata-shadow', logger }, project, { to: options.to });
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
