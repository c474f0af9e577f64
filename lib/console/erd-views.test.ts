import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import type { StrataConfig } from '../config/environments';
import { isStrataError } from '../errors';
import { externalConfig } from '../../test/support/external-config';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { canonicalViewState, MAX_POSITIONS } from './erd-view-input';
import { assertViewAccess, createErdView, deleteErdView, getErdView, listErdViews, updateErdView, viewId } from './erd-views';

let consoleDb: ScratchDatabase;
let config: StrataConfig;

const vera: Principal = { username: 'vera', role: 'viewer', via: 'console' };
const devon: Principal = { username: 'devon', role: 'developer', via: 'console' };
const admin: Principal = { username: 'admin', role: 'admin', via: 'console' };

beforeAll(async () => {
  consoleDb = await createScratchDatabase('erd_views');
  config = externalConfig({
    consoleDatabaseUrl: consoleDb.url,
    shadowServerUrl: inject('pgAdminUrl'),
    environments: [
      { name: 'staging', url: 'postgres://x@localhost:1/staging', protection: 'guarded' },
      { name: 'production', url: 'postgres://x@localhost:1/production', protection: 'protected' },
    ],
  });
});
afterAll(async () => {
  await closeConsole(config);
  await consoleDb.drop();
});

/** The error `work` fails with (the test fails if it does not). */
async function failure(work: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work();
  } catch (error) {
    if (isStrataError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

const rows = async () => consoleDb.sql`select id, environment, name, query, positions, created_by from console.erd_views order by id`;

describe('named ERD views', () => {
  it('stores the canonical state and the layout, lists by environment and reads one back', async () => {
    const saved = await createErdView(config, vera, 'staging', {
      name: '  Billing around users ',
      // Not canonical: lists unsorted, a default given, a parameter view-state does not know.
      state: '?open=cluster:b&open=cluster:a&focus=platform.users&hops=2&inferred=1&view=7',
      positions: { 'platform.users': { x: 10.5, y: -20 }, 'billing.invoices': { x: 300, y: 0 } },
    });
    expect(saved).toMatchObject({
      environment: 'staging',
      name: 'Billing around users',
      state: 'focus=platform.users&hops=2&open=cluster%3Aa&open=cluster%3Ab',
      positioned: 2,
      createdBy: 'vera',
    });
    expect(saved.state).toBe(canonicalViewState(saved.state));
    expect(await getErdView(config, 'staging', saved.id)).toEqual(saved);
    const other = await createErdView(config, devon, 'production', { name: 'Billing around users', state: '', positions: {} });
    expect((await listErdViews(config, 'staging')).map((v) => [v.id, v.name, v.createdBy, v.positioned])).toEqual([[saved.id, 'Billing around users', 'vera', 2]]);
    expect((await listErdViews(config, 'production')).map((v) => v.id)).toEqual([other.id]);
    // The list carries no layout: it stays small however many tables a view places.
    expect((await listErdViews(config, 'staging'))[0]).not.toHaveProperty('positions');
  });

  it('refuses an unknown environment, a bad state (naming the problem), a bad name and a bad layout — storing nothing', async () => {
    const before = await rows();
    const ok = { name: 'x', state: '', positions: {} };
    expect(await failure(() => createErdView(config, vera, 'nowhere', ok))).toMatchObject({ code: 'UNKNOWN_ENVIRONMENT' });
    expect(await failure(() => listErdViews(config, 'nowhere'))).toMatchObject({ code: 'UNKNOWN_ENVIRONMENT' });
    expect(await failure(() => createErdView(config, vera, 'staging', { ...ok, state: 'hops=9&focus=a.b' }))).toEqual({
      code: 'BAD_USAGE',
      message: 'The view\'s state is not valid: “hops”: Invalid option: expected one of "1"|"2"|"3"',
    });
    expect(await failure(() => createErdView(config, vera, 'staging', { ...ok, state: 'from=a.b' }))).toEqual({ code: 'BAD_USAGE', message: 'The view\'s state is not valid: a path needs both “from” and “to”' });
    for (const name of ['', '   ', 'x'.repeat(81), 'tab\there']) {
      expect(await failure(() => createErdView(config, vera, 'staging', { ...ok, name })), JSON.stringify(name)).toMatchObject({ code: 'BAD_USAGE', message: expect.stringContaining('The view name') });
    }
    const tooMany = Object.fromEntries(Array.from({ length: MAX_POSITIONS + 1 }, (_, i) => [`s.t${i}`, { x: i, y: i }]));
    expect(await failure(() => createErdView(config, vera, 'staging', { ...ok, positions: tooMany }))).toEqual({ code: 'BAD_USAGE', message: 'The view layout: a view keeps at most 5000 table positions' });
    for (const positions of [{ 's.t': { x: Infinity, y: 0 } }, { 's.t': { x: Number.NaN, y: 0 } }, { 's.t': { x: '1', y: 0 } }, { 's.t': { x: 1 } }, { 's.t': { x: 1, y: 2, z: 3 } }, { '': { x: 1, y: 2 } }, ['s.t']]) {
      expect(await failure(() => createErdView(config, vera, 'staging', { ...ok, positions: positions as never })), JSON.stringify(positions)).toMatchObject({ code: 'BAD_USAGE', message: expect.stringContaining('The view layout') });
    }
    expect(await rows()).toEqual(before);
    // Exactly the limit is fine.
    const most = Object.fromEntries(Array.from({ length: MAX_POSITIONS }, (_, i) => [`s.t${i}`, { x: i, y: -i }]));
    const big = await createErdView(config, vera, 'staging', { ...ok, name: 'everything', positions: most });
    expect((await getErdView(config, 'staging', big.id)).positioned).toBe(MAX_POSITIONS);
    await deleteErdView(config, vera, 'staging', big.id);
  });

  it('keeps injection-looking names as text', async () => {
    const names = ["'); drop table console.erd_views; --", '<script>alert(1)</script>', 'Robert"); DELETE FROM console.users;--'];
    for (const name of names) await createErdView(config, devon, 'staging', { name, state: 'keys=1', positions: {} });
    const listed = (await listErdViews(config, 'staging')).map((v) => v.name);
    for (const name of names) expect(listed).toContain(name);
    const [table] = await consoleDb.sql`select to_regclass('console.erd_views') is not null as present`;
    expect(table!.present).toBe(true);
  });

  it('refuses a second view with the same name on one environment, whatever its case — also when two save at once', async () => {
    await createErdView(config, vera, 'staging', { name: 'Orders', state: '', positions: {} });
    expect(await failure(() => createErdView(config, devon, 'staging', { name: 'ORDERS', state: '', positions: {} }))).toEqual({
      code: 'ALREADY_EXISTS',
      message: 'staging already has a view named “ORDERS” (names are compared without case); choose another name',
    });
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => createErdView(config, i % 2 ? vera : devon, 'staging', { name: 'Race', state: '', positions: {} })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(isStrataError(r.reason, 'ALREADY_EXISTS')).toBe(true);
    expect((await consoleDb.sql`select count(*)::int as n from console.erd_views where environment = 'staging' and lower(name) = 'race'`)[0]!.n).toBe(1);
  });

  it('lets only the author rename or change a view, and the author or an admin delete it; another environment’s id is not found', async () => {
    const view = await createErdView(config, devon, 'staging', { name: 'Devon’s', state: 'keys=1', positions: { 'a.b': { x: 1, y: 2 } } });
    const before = await rows();
    expect(await failure(() => updateErdView(config, vera, 'staging', view.id, { name: 'mine now' }))).toEqual({ code: 'FORBIDDEN', message: '“Devon’s” is devon\'s view: only its author may change it' });
    expect(await failure(() => updateErdView(config, admin, 'staging', view.id, { name: 'mine now' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(() => deleteErdView(config, vera, 'staging', view.id))).toEqual({ code: 'FORBIDDEN', message: '“Devon’s” is devon\'s view: only its author or an admin may delete it' });
    expect(await failure(() => deleteErdView(config, devon, 'production', view.id))).toEqual({ code: 'NOT_FOUND', message: `production has no view ${view.id}` });
    expect(await failure(() => getErdView(config, 'production', view.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(() => updateErdView(config, devon, 'production', view.id, { name: 'x' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(() => updateErdView(config, devon, 'staging', view.id, {}))).toMatchObject({ code: 'BAD_USAGE' });
    expect(await failure(() => updateErdView(config, devon, 'staging', view.id, { name: 'orders' }))).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await failure(() => updateErdView(config, devon, 'staging', view.id, { state: 'table=' }))).toMatchObject({ code: 'BAD_USAGE', message: expect.stringContaining('“table”') });
    // The doors ask first, with the same answers, before writing an audit intent.
    expect(await failure(() => assertViewAccess(config, vera, 'staging', view.id, 'change'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(() => assertViewAccess(config, admin, 'staging', view.id, 'change'))).toMatchObject({ code: 'FORBIDDEN' });
    await assertViewAccess(config, admin, 'staging', view.id, 'delete');
    await assertViewAccess(config, devon, 'staging', view.id, 'change');
    expect(await failure(() => assertViewAccess(config, devon, 'production', view.id, 'delete'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rows()).toEqual(before);

    const renamed = await updateErdView(config, devon, 'staging', view.id, { name: 'Devon renamed', state: 'inferred=0&keys=1' });
    expect(renamed).toMatchObject({ name: 'Devon renamed', state: 'keys=1&inferred=0', positions: { 'a.b': { x: 1, y: 2 } } });
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(view.updatedAt));
    const moved = await updateErdView(config, devon, 'staging', view.id, { positions: { 'a.b': { x: 5, y: 6 } } });
    expect(moved).toMatchObject({ name: 'Devon renamed', positions: { 'a.b': { x: 5, y: 6 } } });

    expect(await deleteErdView(config, admin, 'staging', view.id)).toMatchObject({ id: view.id, name: 'Devon renamed' });
    expect(await failure(() => getErdView(config, 'staging', view.id))).toMatchObject({ code: 'NOT_FOUND' });
    const own = await createErdView(config, vera, 'staging', { name: 'Vera’s own', state: '', positions: {} });
    await deleteErdView(config, vera, 'staging', own.id);
    expect(await failure(() => deleteErdView(config, vera, 'staging', own.id))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads ids from a path strictly', () => {
    expect(viewId('12')).toBe(12);
    for (const raw of ['0', '-1', '1.5', '1e3', ' 1', '1 or 1=1', '99999999999999999', '']) {
      expect(() => viewId(raw), raw).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    }
  });
});
