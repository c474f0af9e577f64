import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import { readProject } from '../changesets/project';
import { findEnvironment, loadConfig, type StrataConfig } from '../config/environments';
import { applyChangeSets } from '../migrate/apply';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { runDryRun, type OperationTarget } from './environment-operations';
import { consoleTestEnv } from '../../test/support/console-env';

/** On a guarded environment, a dry run on the target itself takes real locks: developers get a shadow. */
let target: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let staging: OperationTarget;
const dir = writeFixtureProject([
  { name: 'a', up: 'create table public.a (id int primary key);', down: 'drop table public.a;' },
  { name: 'b', up: 'alter table public.a add column note text;', down: 'alter table public.a drop column note;' },
]);

beforeAll(async () => {
  target = await createScratchDatabase('guarded');
  consoleDb = await createScratchDatabase('console');
  const env = consoleTestEnv({ label: 'dry-run-roles', environment: { name: 'staging', url: target.url, protection: 'guarded' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl') });
  config = loadConfig(env);
  process.env.STRATA_AUDIT_KEY = env.STRATA_AUDIT_KEY;
  process.env.AUTH_SECRET = env.AUTH_SECRET;
  const project = readProject(dir);
  await applyChangeSets(testContext(target.url), project, { to: '0000_a' });
  staging = { config, environment: findEnvironment(config, 'staging'), project };
});
afterAll(async () => {
  await closeConsole(config);
  await target.drop();
  await consoleDb.drop();
});

const as = (role: Principal['role']): Principal => ({ username: `the-${role}`, role, via: 'console' });

describe('dry runs on a guarded environment', () => {
  it('a developer gets a shadow dry run by default, and is refused one on the target itself; an operator gets the target', async () => {
    expect(await runDryRun(staging, { direction: 'apply' }, as('developer'))).toMatchObject({ mode: 'shadow', modeReason: expect.stringMatching(/needs an operator; as a developer you see it run on a shadow database/) });
    await expect(runDryRun(staging, { direction: 'apply', mode: 'transaction' }, as('developer'))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/developer may not run dry runs on the environment itself.*on a guarded environment; it needs operator/),
    });
    expect((await runDryRun(staging, { direction: 'apply' }, as('operator'))).mode).toBe('transaction');
    const audit = await consoleDb.sql`select actor, outcome from console.audit_log where action = 'dry-run' and outcome <> 'started' order by id`;
    expect(audit.map((a) => `${a.actor} ${a.outcome}`)).toEqual(['the-developer ok', 'the-developer denied', 'the-operator ok']);
  });
});
