import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authorize } from '../auth/guard';
import { closeConsole, withConsole } from '../auth/console-db';
import { getRequest } from '../auth/requests';
import type { Principal } from '../auth/types';
import { createUser } from '../auth/users';
import { readProject } from '../changesets/project';
import { findEnvironment, loadConfig, type StrataConfig } from '../config/environments';
import { applyChangeSets } from '../migrate/apply';
import { rollbackChangeSets } from '../migrate/rollback';
import { backupSettingsFor } from '../backup/settings';
import { consoleTestEnv } from '../../test/support/console-env';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { operationWorker } from '../../test/support/operation-worker';
import { decideChange, executeRequest, requestKind } from './change-requests';
import { environmentBackups, runRestore, startRestore } from './environment-backups';
import type { OperationTarget } from './environment-operations';

/**
 * Restoring a backup from the console: directly on a guarded environment (confirmed), and on
 * a protected one only through a request another admin approves, executed once.
 */
let stage: ScratchDatabase;
let prod: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let dir: string;

const olga: Principal = { username: 'olga', role: 'operator', via: 'console' };
const ada: Principal = { username: 'ada', role: 'admin', via: 'console' };

beforeAll(async () => {
  [stage, prod, consoleDb] = await Promise.all([createScratchDatabase('bakstage'), createScratchDatabase('bakprod'), createScratchDatabase('bakconsole')]);
  dir = writeFixtureProject([
    { name: 'ledger', up: 'create table public.ledger (id int primary key, amount numeric not null, memo text);', down: 'drop table public.ledger;' },
    { name: 'no_memo', up: 'alter table public.ledger drop column memo;', down: 'alter table public.ledger add column memo text;' },
  ]);
  const env = consoleTestEnv({ label: 'environment-backups', environment: { name: 'stage', url: stage.url, protection: 'guarded' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: dir });
  Object.assign(process.env, env, { STRATA_ENVIRONMENTS: 'stage,prod', STRATA_ENV_PROD_URL: prod.url, STRATA_ENV_PROD_PROTECTION: 'protected' });
  config = loadConfig();
  await withConsole(config, (sql) => createUser(sql, { username: 'ada', role: 'admin', password: null, createdBy: 'first start' }));
  for (const db of [stage, prod]) {
    const p = readProject(dir);
    const settings = backupSettingsFor({ name: null, url: db.url, protection: 'guarded' }, null);
    await applyChangeSets(testContext(db.url, { backup: settings }), p, { to: '0000' });
    await db.sql`insert into public.ledger select g, g * 10, 'memo ' || g from generate_series(1, 40) g`;
    await applyChangeSets(testContext(db.url, { backup: settings }), p);
    await rollbackChangeSets(testContext(db.url, { backup: { ...settings, policy: { ...settings.policy, mode: 'off' } } }), p, { steps: 1 });
  }
});
afterAll(async () => {
  await closeConsole(config);
  await Promise.all([stage.drop(), prod.drop(), consoleDb.drop()]);
});

const target = (name: 'stage' | 'prod'): OperationTarget => ({ config, environment: findEnvironment(config, name), project: readProject(dir) });
const memos = async (db: ScratchDatabase) => (await db.sql`select count(*)::int as n from public.ledger where memo = 'memo ' || id`)[0]!.n;

describe('restoring a backup from the console', () => {
  it('lists the backup; on a guarded environment the dry run writes nothing, the restore needs its name and then writes', async () => {
    const [backup] = await environmentBackups(target('stage'));
    expect(backup).toMatchObject({ changeSet: '0001_no_memo', verified: true, tables: [expect.objectContaining({ source: 'public.ledger', columns: ['id', 'memo'], rows: 40 })] });
    const dry = await runRestore(target('stage'), { backup: backup!.id, write: false }, olga);
    expect(dry.tables).toEqual([expect.objectContaining({ table: 'public.ledger', update: 40, problem: null })]);
    expect(await memos(stage)).toBe(0);
    await expect(startRestore(target('stage'), { backup: backup!.id, write: true }, olga)).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    const started = await startRestore(target('stage'), { backup: backup!.id, write: true, confirm: 'stage' }, olga);
    // Recorded; a queue worker runs it.
    const worker = await operationWorker(config, 1);
    try {
      expect((await started.done).state).toBe('succeeded');
    } finally {
      await worker.stop();
    }
    expect(await memos(stage)).toBe(40);
  });

  it('on a protected environment: never directly; a request, approved by another admin, restores once', async () => {
    expect(() => authorize(olga, 'backup.restore', { protection: 'protected' })).toThrow(/two-person approval/);
    expect(() => authorize(olga, 'backup.restore.dry-run', { protection: 'protected' })).not.toThrow();
    const [backup] = await environmentBackups(target('prod'));
    await expect(requestKind(target('prod'), 'restore', { backup: 'strata_backup_20260101t000000_0001_dead' }, 'put it back', olga)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(requestKind(target('prod'), 'restore', { backup: 'x; drop table ledger' }, 'put it back', olga)).rejects.toMatchObject({ code: 'BAD_USAGE' });

    const request = await requestKind(target('prod'), 'restore', { backup: backup!.id }, 'memos lost by 0001', olga);
    expect(request).toMatchObject({ kind: 'restore', payload: { backup: backup!.id }, status: 'pending' });
    await expect(executeRequest(target('prod'), request, olga)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(decideChange(target('prod'), request.id, { approve: true, comment: '' }, { username: 'olga', role: 'admin', via: 'console' })).rejects.toThrow();
    expect(await memos(prod)).toBe(0);

    await decideChange(target('prod'), request.id, { approve: true, comment: 'ok' }, ada);
    const approved = await withConsole(config, (sql) => getRequest(sql, request.id));
    const result = (await executeRequest(target('prod'), approved!, olga)) as { written: boolean };
    expect(result.written).toBe(true);
    expect(await memos(prod)).toBe(40);
    expect(await withConsole(config, (sql) => getRequest(sql, request.id))).toMatchObject({ status: 'executed' });
    // Once: a second execution is refused, and writes nothing more.
    await prod.sql`update public.ledger set memo = null where id = 1`;
    await expect(executeRequest(target('prod'), approved!, olga)).rejects.toMatchObject({ code: expect.stringMatching(/INVALID_STATE|BAD_USAGE/) });
    expect(await memos(prod)).toBe(39);
  });
});
