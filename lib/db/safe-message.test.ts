import net from 'node:net';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import type { Environment, StrataConfig } from '../config/environments';
import { describeOperationError } from '../console/describe-error';
import { readPipeline } from '../console/pipeline';
import { allEnvironmentHealth } from '../health/environment-health';
import { introspectUrl } from '../introspect/introspect';
import { applyChangeSets } from '../migrate/apply';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { connect, failureReason } from './client';
import { safeMessage, secretUrlsOf, withSafeErrors } from './safe-message';
import { externalConfig } from '../../test/support/external-config';

describe('safeMessage (the rules, on driver and server wording)', () => {
  const url = 'postgres://app_owner:S3cr%2Ft-pw@db-prod-7.internal.example:6543/ledger_main';

  it('hides connection strings, configured or not, and passwords alone', () => {
    expect(safeMessage(`Cannot connect to ${url}: boom`, [url])).toBe('Cannot connect to [connection string hidden]: boom');
    expect(safeMessage('see postgresql://u:p@elsewhere:5432/x, then retry', [])).toBe('see [connection string hidden], then retry');
    expect(safeMessage('Cannot connect to postgres://app_owner:***@db-prod-7.internal.example:6543/ledger_main: boom', [url])).toBe(
      'Cannot connect to [connection string hidden]: boom',
    );
    expect(safeMessage('the password was S3cr/t-pw (or S3cr%2Ft-pw)', [url])).toBe('the password was *** (or ***)');
  });

  it('hides hosts and addresses with their ports, keeping what went wrong', () => {
    expect(safeMessage('connect ECONNREFUSED 127.0.0.1:5432')).toBe('connect ECONNREFUSED [server hidden]');
    expect(safeMessage('connect ECONNREFUSED ::1:5432')).toBe('connect ECONNREFUSED [server hidden]');
    expect(safeMessage('getaddrinfo ENOTFOUND db-staging.invalid')).toBe('getaddrinfo ENOTFOUND [server hidden]');
    expect(safeMessage('write CONNECT_TIMEOUT db-staging.invalid:5432')).toBe('write CONNECT_TIMEOUT [server hidden]');
    expect(safeMessage('connection to server at "db.example" (10.1.2.3), port 5432 failed: Connection refused')).toBe(
      'connection to server at [server hidden] failed: Connection refused',
    );
    expect(safeMessage('could not translate host name "db.example" to address')).toBe('could not translate host name [server hidden] to address');
    expect(safeMessage('listening on [::1]:5432 and 10.0.0.7')).toBe('listening on [server hidden] and [server hidden]');
    expect(safeMessage('the primary db-prod-7.internal.example:6543 went away; DB-PROD-7.internal.example too', [url])).toBe(
      'the primary [server hidden] went away; [server hidden] too',
    );
  });

  it('hides user, role and database names the server quotes, and configured databases as whole words', () => {
    expect(safeMessage('password authentication failed for user "mallory" (28P01)')).toBe('password authentication failed for user [name hidden] (28P01)');
    expect(safeMessage('role "ghost" does not exist')).toBe('role [name hidden] does not exist');
    expect(safeMessage('database "missing_db" does not exist (3D000)')).toBe('database [name hidden] does not exist (3D000)');
    expect(safeMessage('no pg_hba.conf entry for host "10.9.8.7", user "app", database "prod", no encryption')).toBe(
      'no pg_hba.conf entry for host [server hidden], user [name hidden], database [name hidden], no encryption',
    );
    expect(safeMessage('permission denied for database ledger_main', [url])).toBe('permission denied for database [name hidden]');
    expect(safeMessage('relation ledger_main_archive and ledger_main.accounts are fine', [url])).toBe('relation ledger_main_archive and ledger_main.accounts are fine');
  });

  it('leaves strata.change_log alone even when the user and a database are called strata', () => {
    const embedded = 'postgres://strata:pw-123456@localhost:54329/strata';
    expect(safeMessage('duplicate key in strata.change_log (strata_console is fine)', [embedded])).toBe('duplicate key in strata.change_log (strata_console is fine)');
    expect(safeMessage('password authentication failed for user "strata"', [embedded])).toBe('password authentication failed for user [name hidden]');
    expect(safeMessage('version 18.4 of PostgreSQL; 3 of 19 change sets', [embedded])).toBe('version 18.4 of PostgreSQL; 3 of 19 change sets');
  });

  it('takes every URL of a configuration', () => {
    const config = {
      environments: [{ name: 'a', url: 'postgres://u:p@h1/d1', protection: 'open' }],
      fleets: [
        { name: 'tenants', protection: 'guarded', source: { kind: 'urls', urls: ['postgres://t:p@h5/t1', 'postgres://t:p@h6/t2'] } },
        { name: 'found', protection: 'guarded', source: { kind: 'databases', serverUrl: 'postgres://f:p@h7/postgres', pattern: 't_%' } },
      ],
      consoleDatabaseUrl: 'postgres://u:p@h2/d2',
      consoleOwnerUrl: 'postgres://o:p@h4/d2',
      shadowServerUrl: 'postgres://u:p@h3/d3',
    } as unknown as StrataConfig;
    expect(secretUrlsOf(config)).toEqual([
      'postgres://u:p@h1/d1',
      'postgres://t:p@h5/t1',
      'postgres://t:p@h6/t2',
      'postgres://f:p@h7/postgres',
      'postgres://u:p@h2/d2',
      'postgres://o:p@h4/d2',
      'postgres://u:p@h3/d3',
    ]);
  });
});

/**
 * Real failures, each with a distinctive host, port, user, database or password: nothing
 * of them may reach a message, and every message still says what went wrong.
 */
describe('real connection failures, as pages and API responses show them', () => {
  const admin = new URL(inject('pgAdminUrl'));
  let refusedPort: number;
  let environments: Environment[];
  let config: StrataConfig;
  let project: Project;
  const forbidden = () => [
    'localhost',
    '127.0.0.1',
    '::1',
    'db-staging.invalid',
    String(refusedPort),
    admin.port,
    'intruder_k3v',
    'hunter2-zq',
    'missing_db_w8',
    'gone_db_p4',
    decodeURIComponent(admin.password),
    'user "strata"',
    'postgres://',
  ];
  const expectations: Record<string, RegExp> = {
    refused: /ECONNREFUSED/,
    unresolvable: /ENOTFOUND/,
    'wrong-password': /password authentication failed/,
    'missing-database': /database .* does not exist/,
  };
  const expectSafe = (name: string, message: string | null | undefined) => {
    expect(message, name).toBeTruthy();
    for (const secret of forbidden()) expect(message!.includes(secret), `${name}: "${message}" contains ${secret}`).toBe(false);
    expect(message).toMatch(expectations[name]!);
  };

  beforeAll(async () => {
    refusedPort = await closedPort();
    environments = [
      { name: 'refused', url: `postgres://app_user:pw-9x@localhost:${refusedPort}/gone_db_p4`, protection: 'open' },
      { name: 'unresolvable', url: 'postgres://app_user:pw-9x@db-staging.invalid:5432/gone_db_p4', protection: 'open' },
      { name: 'wrong-password', url: `postgres://intruder_k3v:hunter2-zq@localhost:${admin.port}/postgres`, protection: 'open' },
      { name: 'missing-database', url: `postgres://${admin.username}:${admin.password}@127.0.0.1:${admin.port}/missing_db_w8`, protection: 'open' },
    ];
    const dir = writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);' }]);
    project = readProject(dir);
    config = externalConfig({ projectDir: dir, consoleDatabaseUrl: inject('pgAdminUrl'), shadowServerUrl: inject('pgAdminUrl'), environments });
  });

  it('health (home page cards, GET /api/health for signed-in people)', async () => {
    const health = await allEnvironmentHealth(config);
    for (const h of health) {
      expect(h.reachable).toBe(false);
      expectSafe(h.name, h.error);
    }
  });

  it('the pipeline overview and environment pages', async () => {
    const { environments: columns } = await readPipeline(config, project);
    for (const column of columns) expectSafe(column.name, column.error);
  });

  it('operations (describeOperationError): engine errors and raw driver errors', async () => {
    for (const env of environments) {
      const engineError = await applyChangeSets(testContext(env.url), project).catch((e: unknown) => e);
      const described = describeOperationError(engineError, env.url);
      expect(described).toMatchObject({ status: 503, code: 'CONNECTION_FAILED' });
      expectSafe(env.name, described.message);

      const sql = connect(env.url, { max: 1, connectTimeoutSeconds: 5 });
      const driverError = await sql`select 1`.catch((e: unknown) => e);
      await sql.end({ timeout: 1 });
      const raw = describeOperationError(driverError);
      expect(raw.code).toBe('INTERNAL');
      // Without the URL: the driver's own words, hidden by their patterns alone.
      expectSafe(env.name, raw.message);
    }
  });

  it('schema reads (ERD, table pages, exports) as read-schema words them', async () => {
    for (const env of environments) {
      const error = await introspectUrl(env.url).catch((e: unknown) => e);
      expectSafe(env.name, safeMessage(failureReason(error), secretUrlsOf(config)));
    }
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('withSafeErrors', () => {
  it('hides names in the error fields of results and history at any depth, and leaves SQL, schema names and dates alone', () => {
    const url = 'postgres://stg_owner:pw-7@db-staging.internal:5432/staging_main';
    const at = new Date('2026-12-01T00:00:00Z');
    const result = {
      failed: { tag: '0003_x', error: { message: 'permission denied for database staging_main', statement: 'grant all on schema app to stg_owner', hint: 'ask role "stg_owner"' } },
      history: [{ tag: '0003_x', errorMessage: 'connect ECONNREFUSED 10.0.0.7:5432', startedAt: at, tables: ['app.staging_main_items'] }],
    };
    const safe = withSafeErrors(result, [url]);
    expect(safe.failed.error.message).toBe('permission denied for database [name hidden]');
    expect(safe.failed.error.hint).toBe('ask role [name hidden]');
    expect(safe.failed.error.statement).toBe('grant all on schema app to stg_owner');
    expect(safe.history[0]!.errorMessage).not.toMatch(/10\.0\.0\.7|5432/);
    expect(safe.history[0]!.startedAt).toBe(at);
    expect(safe.history[0]!.tables).toEqual(['app.staging_main_items']);
  });
});
