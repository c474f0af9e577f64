import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole, withConsole } from '../auth/console-db';
import { getRequest } from '../auth/requests';
import { createUser } from '../auth/users';
import { readProject } from '../changesets/project';
import { findEnvironment, loadConfig, type StrataConfig } from '../config/environments';
import { readTargetStatus } from '../migrate/read-status';
import { withTargetLock } from '../migrate/target-lock';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { decideChange, executeChange, executorLabel, recoverStuckRequests, requestChange } from './change-requests';
import { consoleTestEnv } from '../../test/support/console-env';

/**
 * A request is executing only while its executor holds the target's lock: a process killed
 * half-way leaves it `executing`, and the next start marks it failed, saying why.
 */
let prod: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let env: Record<string, string>;
const dir = writeFixtureProject([
  // Slow on the target only: the request's shadow dry run must not wait.
  { name: 'slow', up: "create table public.half (id int);\n--> statement-breakpoint\nselect pg_sleep(case when current_database() like 'strata_shadow%' then 0 else 60 end);\n--> statement-breakpoint\ncreate table public.never (id int);", down: 'drop table public.never, public.half;' },
]);

beforeAll(async () => {
  prod = await createScratchDatabase('stuckprod');
  consoleDb = await createScratchDatabase('stuckconsole');
  env = consoleTestEnv({ label: 'stuck-requests', environment: { name: 'prod', url: prod.url, protection: 'protected' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: dir });
  Object.assign(process.env, env);
  config = loadConfig();
  await withConsole(config, (sql) => createUser(sql, { username: 'ada', role: 'admin', password: null, createdBy: 'first start' }));
});
afterAll(async () => {
  await closeConsole(config);
  await prod.drop();
  await consoleDb.drop();
});

async function approvedRequest(): Promise<number> {
  const target = { config, environment: findEnvironment(config, 'prod'), project: readProject(dir) };
  const request = await requestChange(target, { direction: 'apply', reason: 'slow one' }, { username: 'olga', role: 'operator', via: 'console' });
  await decideChange(target, request.id, { approve: true, comment: 'ok' }, { username: 'ada', role: 'admin', via: 'console' });
  return request.id;
}

describe('requests left executing by a killed process', () => {
  it('are marked failed at start with the reason; the target has nothing half-done', async () => {
    const id = await approvedRequest();
    const child = spawnCli(['apply', '--env', 'prod', '--dir', dir, '--confirm', 'prod', '--request', String(id)], env);
    await waitFor(async () => (await prod.sql`select 1 from pg_stat_activity where datname = current_database() and query like 'select pg_sleep(case%'`).length > 0, 'the slow statement to start');
    expect((await withConsole(config, (sql) => getRequest(sql, id)))!.status).toBe('executing');
    // While it runs, a start-up check leaves it alone.
    expect(await recoverStuckRequests(config)).toEqual([expect.objectContaining({ id, outcome: 'running' })]);
    child.kill('SIGKILL');
    expect((await child.output).signal).toBe('SIGKILL');
    await waitFor(async () => (await prod.sql`select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`).length === 0, 'PostgreSQL to end the dead session');
    const found = await recoverStuckRequests(config);
    expect(found).toEqual([expect.objectContaining({ id, outcome: 'failed', detail: expect.stringMatching(/interrupted: the process executing it .*\[request #\d+\].* stopped before recording an outcome/) })]);
    const request = (await withConsole(config, (sql) => getRequest(sql, id)))!;
    expect(request.status).toBe('failed');
    expect((request.result as { error: string }).error).toMatch(/interrupted/);
    expect((await readTargetStatus(prod.url, readProject(dir))).counts.applied).toBe(0);
    expect(await recoverStuckRequests(config)).toEqual([]);
  });

  it('a target locked by another runner leaves the request approved, untouched', async () => {
    const id = await approvedRequest();
    const request = (await withConsole(config, (sql) => getRequest(sql, id)))!;
    const target = { config, environment: findEnvironment(config, 'prod'), project: readProject(dir) };
    await withTargetLock(prod.url, 'a migration elsewhere', async () => {
      await expect(executeChange(target, request, { username: 'olga', role: 'operator', via: 'console' })).rejects.toMatchObject({ code: 'LOCKED' });
    });
    expect((await withConsole(config, (sql) => getRequest(sql, id)))!).toMatchObject({ status: 'approved', executedBy: null, executor: null });
    await consoleDb.sql`update console.change_requests set status = 'rejected' where id = ${id}`;
  });

  it('a request whose executor label holds the lock is still running; another holder means it is gone', async () => {
    const id = await approvedRequest();
    await consoleDb.sql`update console.change_requests set status = 'executing', executed_by = 'olga', executor = ${executorLabel('olga', id)} where id = ${id}`;
    await withTargetLock(prod.url, executorLabel('olga', id), async () => {
      expect(await recoverStuckRequests(config)).toEqual([expect.objectContaining({ id, outcome: 'running' })]);
    });
    await withTargetLock(prod.url, 'someone-else', async () => {
      expect(await recoverStuckRequests(config)).toEqual([expect.objectContaining({ id, outcome: 'failed' })]);
    });
  });
});
