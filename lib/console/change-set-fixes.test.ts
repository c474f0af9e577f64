import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { authorize } from '../auth/guard';
import { closeConsole, withConsole } from '../auth/console-db';
import { getRequest } from '../auth/requests';
import type { Principal } from '../auth/types';
import { createUser } from '../auth/users';
import { readProject } from '../changesets/project';
import { findEnvironment, loadConfig, type StrataConfig } from '../config/environments';
import { applyChangeSets } from '../migrate/apply';
import { loadHistory } from '../migrate/history-store';
import { readTargetStatus } from '../migrate/read-status';
import { withTargetLock } from '../migrate/target-lock';
import { consoleTestEnv } from '../../test/support/console-env';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { decideChange, executeRequest, requestKind } from './change-requests';
import { fixAction, fixChangeSet } from './change-set-fixes';
import type { OperationTarget } from './environment-operations';

/**
 * Fixing a change set from the console: each way out of a failure or an edit, skip and
 * un-skip, on a guarded environment directly and on a protected one through a request
 * another admin approves — and what is refused, with the target and history unchanged.
 */
let stage: ScratchDatabase;
let prod: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let dir: string;

const olga: Principal = { username: 'olga', role: 'operator', via: 'console' };
const ada: Principal = { username: 'ada', role: 'admin', via: 'console' };

beforeAll(async () => {
  [stage, prod, consoleDb] = await Promise.all([createScratchDatabase('fixstage'), createScratchDatabase('fixprod'), createScratchDatabase('fixconsole')]);
  dir = writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
    // Fails until someone creates public.gate: a failure a person can then resolve.
    { name: 'b', up: 'create table public.b (id int);\n--> statement-breakpoint\ninsert into public.gate values (1);', down: 'drop table public.b;' },
    { name: 'extra', up: 'create table public.extra (id int);', down: 'drop table public.extra;' },
  ]);
  fs.writeFileSync(path.join(dir, 'strata.config.ts'), "export default { optional: ['0002_extra'] };\n");
  const env = consoleTestEnv({ label: 'change-set-fixes', environment: { name: 'stage', url: stage.url, protection: 'guarded' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: dir });
  Object.assign(process.env, env, { STRATA_ENVIRONMENTS: 'stage,prod', STRATA_ENV_PROD_URL: prod.url, STRATA_ENV_PROD_PROTECTION: 'protected' });
  config = loadConfig();
  await withConsole(config, (sql) => createUser(sql, { username: 'ada', role: 'admin', password: null, createdBy: 'first start' }));
});
afterAll(async () => {
  await closeConsole(config);
  await Promise.all([stage.drop(), prod.drop(), consoleDb.drop()]);
});

const target = (name: 'stage' | 'prod'): OperationTarget => ({ config, environment: findEnvironment(config, name), project: readProject(dir) });
const db = (name: 'stage' | 'prod') => (name === 'stage' ? stage : prod);
const state = async (name: 'stage' | 'prod', tag: string) => (await readTargetStatus(db(name).url, readProject(dir))).changeSets.find((c) => c.changeSet.tag === tag)!.state;

/** Puts `name` back to: 0000_a applied, 0001_b failed (its transaction rolled back), 0002_extra pending. */
async function failedAtB(name: 'stage' | 'prod'): Promise<void> {
  await db(name).sql.unsafe('drop schema if exists strata cascade; drop schema if exists drizzle cascade; drop schema public cascade; create schema public;');
  const result = await applyChangeSets(testContext(db(name).url), readProject(dir));
  expect(result.failed?.tag).toBe('0001_b');
}

describe('resolving a failed change set on a guarded environment, directly', () => {
  beforeEach(() => failedAtB('stage'));

  it('retry: pending again, recorded with the reason and the person; the next apply runs it', async () => {
    const result = await fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'retry' }, 'gate table created by hand', olga);
    expect(result.fixed).toEqual({ action: 'resolve', tag: '0001_b', as: 'retry', state: 'pending' });
    expect((await loadHistory(stage.sql)).at(-1)).toMatchObject({ tag: '0001_b', operation: 'resolve', status: 'rolled_back', actor: 'olga', reason: 'retry: gate table created by hand' });
    await stage.sql`create table public.gate (id int)`;
    expect((await applyChangeSets(testContext(stage.url), readProject(dir))).records.map((r) => [r.tag, r.status])).toEqual([['0001_b', 'applied'], ['0002_extra', 'applied']]);
  });

  it('mark applied and mark rolled back record what the person did by hand', async () => {
    expect((await fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'applied' }, 'ran it by hand', olga)).fixed.state).toBe('applied');
    expect(await state('stage', '0001_b')).toBe('applied');
    expect((await stage.sql`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]!.n).toBe(2);
    await failedAtB('stage');
    expect((await fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'rolled-back' }, 'undid it by hand', olga)).fixed.state).toBe('pending');
    expect((await loadHistory(stage.sql)).at(-1)).toMatchObject({ operation: 'resolve', status: 'rolled_back', reason: 'rolled-back: undid it by hand' });
  });

  it('accept the changed file of an edited applied change set', async () => {
    fs.appendFileSync(path.join(dir, 'migrations', '0000_a.sql'), '\n-- a harmless comment');
    try {
      expect(await state('stage', '0000_a')).toBe('checksum_mismatch');
      await expect(fixChangeSet(target('stage'), { action: 'resolve', tag: '0000_a', as: 'retry' }, 'no', olga)).rejects.toMatchObject({ code: 'INVALID_STATE' });
      expect((await fixChangeSet(target('stage'), { action: 'resolve', tag: '0000_a', as: 'accept-checksum' }, 'only a comment', olga)).fixed.state).toBe('applied');
      expect(await state('stage', '0000_a')).toBe('applied');
    } finally {
      fs.writeFileSync(path.join(dir, 'migrations', '0000_a.sql'), 'create table public.a (id int);');
    }
  });

  it('refuses the wrong state and an empty reason, writing nothing', async () => {
    const before = await loadHistory(stage.sql);
    await expect(fixChangeSet(target('stage'), { action: 'resolve', tag: '0000_a', as: 'retry' }, 'it is applied', olga)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('0000_a is applied, not failed or interrupted') });
    await expect(fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'accept-checksum' }, 'not edited', olga)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'retry' }, '   ', olga)).rejects.toMatchObject({ code: 'BAD_USAGE' });
    expect(await loadHistory(stage.sql)).toEqual(before);
  });

  it('refuses while another runner holds the target (LOCKED): a running apply is not resolved from under itself', async () => {
    const before = await loadHistory(stage.sql);
    await withTargetLock(stage.url, 'an apply in progress', async () => {
      await expect(fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'retry' }, 'too early', olga)).rejects.toMatchObject({ code: 'LOCKED' });
    });
    expect(await loadHistory(stage.sql)).toEqual(before);
    expect(await state('stage', '0001_b')).toBe('failed');
  });

  it('the guard: operators and admins on open and guarded environments; viewers, developers and protected environments refused', () => {
    const where = (protection: 'open' | 'guarded' | 'protected') => ({ protection, environment: 'x' });
    for (const action of [fixAction({ action: 'resolve' }), fixAction({ action: 'skip' })]) {
      expect(() => authorize({ username: 'v', role: 'viewer', via: 'console' }, action, where('guarded'))).toThrow(/viewer may not/);
      expect(() => authorize({ username: 'd', role: 'developer', via: 'console' }, action, where('guarded'))).toThrow(/developer may not/);
      expect(authorize(olga, action, where('guarded'))).toBe(olga);
      expect(authorize(olga, action, where('open'))).toBe(olga);
      expect(() => authorize(ada, action, where('protected'))).toThrow(/only through an approved request/);
    }
  });
});

describe('skipping an optional change set from the console', () => {
  beforeEach(async () => {
    await failedAtB('stage');
    await fixChangeSet(target('stage'), { action: 'resolve', tag: '0001_b', as: 'retry' }, 'reset for the test', olga);
  });

  it('skips and un-skips the optional one; refuses a change set that is not optional', async () => {
    expect((await fixChangeSet(target('stage'), { action: 'skip', tag: '0002_extra' }, 'not on stage', olga)).fixed.state).toBe('skipped');
    expect(await state('stage', '0002_extra')).toBe('skipped');
    expect((await fixChangeSet(target('stage'), { action: 'unskip', tag: '0002_extra' }, 'after all', olga)).fixed.state).toBe('pending');
    await expect(fixChangeSet(target('stage'), { action: 'skip', tag: '0001_b' }, 'no', olga)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('0001_b is not optional') });
  });
});

describe('on a protected environment: a request, approved by another admin, executed once', () => {
  beforeEach(() => failedAtB('prod'));

  it('resolve through a request: refused before approval and when approved by the requester; runs once after approval', async () => {
    const request = await requestKind(target('prod'), 'resolve', { tag: '0001_b', as: 'retry' }, 'gate table is coming', ada);
    expect(request).toMatchObject({ kind: 'resolve', payload: { tag: '0001_b', as: 'retry' }, direction: null, status: 'pending', plan: [{ tag: '0001_b' }] });
    await expect(executeRequest(target('prod'), request, olga)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('not approved yet') });
    await expect(decideChange(target('prod'), request.id, { approve: true, comment: 'mine' }, ada)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await state('prod', '0001_b')).toBe('failed');

    // An admin who is not the requester approves; an operator executes.
    await withConsole(config, (sql) => createUser(sql, { username: 'bea', role: 'admin', password: null, createdBy: 'first start' }));
    await withConsole(config, (sql) => sql`update console.users set created_at = now() - interval '1 hour', role_changed_at = now() - interval '1 hour' where username = 'bea'`);
    const approved = await decideChange(target('prod'), request.id, { approve: true, comment: 'ok' }, { username: 'bea', role: 'admin', via: 'console' });
    expect(await executeRequest(target('prod'), approved, olga)).toEqual({ fixed: { action: 'resolve', tag: '0001_b', as: 'retry', state: 'pending' } });
    expect((await loadHistory(prod.sql)).at(-1)).toMatchObject({ operation: 'resolve', actor: 'olga', reason: `retry: gate table is coming (request #${request.id} by ada, approved by bea)` });
    expect((await withConsole(config, (sql) => getRequest(sql, request.id)))!).toMatchObject({ status: 'executed', executedBy: 'olga' });
    // Once.
    await expect(executeRequest(target('prod'), approved, olga)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('already executed') });
  });

  it('a request the state cannot take is refused when filed; a skip request is validated by its kind', async () => {
    await expect(requestKind(target('prod'), 'resolve', { tag: '0000_a', as: 'retry' }, 'no', olga)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('it is applied on prod') });
    await expect(requestKind(target('prod'), 'skip', { tag: '0001_b' }, 'no', olga)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('not declared optional') });
    await expect(requestKind(target('prod'), 'skip', { tag: '0002_extra', as: 'retry' }, 'bad payload', olga)).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(requestKind(target('prod'), 'skip', { tag: '0002_extra' }, '  ', olga)).rejects.toMatchObject({ code: 'BAD_USAGE' });
    const skip = await requestKind(target('prod'), 'skip', { tag: '0002_extra' }, 'not in prod', olga);
    const approved = await decideChange(target('prod'), skip.id, { approve: true, comment: 'fine' }, ada);
    expect(await executeRequest(target('prod'), approved, olga)).toMatchObject({ fixed: { action: 'skip', state: 'skipped' } });
    expect(await state('prod', '0002_extra')).toBe('skipped');
  });

  it("a request expires the config's approvals.requestHours after it is filed (strata.config.ts), else after 24 hours", async () => {
    const hoursOf = (request: { requestedAt: string; expiresAt: string }) => (Date.parse(request.expiresAt) - Date.parse(request.requestedAt)) / 3_600_000;
    const short = await requestKind({ ...target('prod'), config: { ...config, approvals: { requestHours: 2 } } }, 'resolve', { tag: '0001_b', as: 'retry' }, 'two hours', olga);
    expect(hoursOf(short)).toBeCloseTo(2, 3);
    const usual = await requestKind(target('prod'), 'resolve', { tag: '0001_b', as: 'retry' }, 'a day', olga);
    expect(hoursOf(usual)).toBeCloseTo(24, 3);
  });

  it('an approved request whose change set was settled meanwhile is refused under the lock, before the claim: still approved, history unchanged', async () => {
    const request = await requestKind(target('prod'), 'resolve', { tag: '0001_b', as: 'retry' }, 'retry it', olga);
    const approved = await decideChange(target('prod'), request.id, { approve: true, comment: 'ok' }, ada);
    // Meanwhile someone resolved it another way (with the database URL).
    const { resolveChangeSet } = await import('../migrate/bookkeeping-ops');
    await resolveChangeSet(testContext(prod.url), readProject(dir), '0001_b', 'rolled-back', 'by hand');
    const before = await loadHistory(prod.sql);
    await expect(executeRequest(target('prod'), approved, olga)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await loadHistory(prod.sql)).toEqual(before);
    // Refused before the claim: still approved, nothing executed.
    expect((await withConsole(config, (sql) => getRequest(sql, request.id)))!.status).toBe('approved');
  });
});
