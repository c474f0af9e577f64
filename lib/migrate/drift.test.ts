import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { memoryExpectedSchemas } from '../../test/support/memory-expected-schemas';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { checkDrift } from './drift';
import type { ProgressEvent } from './run-context';
import { withTargetLock } from './target-lock';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('drift');
});
afterEach(async () => {
  await db.drop();
});

const options = () => ({ shadowServerUrl: inject('pgAdminUrl') });
const phase = (event: ProgressEvent, start: string) => event.type === 'phase' && event.label.startsWith(start);

describe('drift', () => {
  const p = () =>
    readProject(
      writeFixtureProject([
        { name: 'a', up: 'create table public.a (id int primary key, name varchar(50));', down: 'drop table public.a;' },
        { name: 'b', up: 'create table public.b (id int primary key);', down: 'drop table public.b;' },
      ]),
    );

  it('finds nothing on a database that only its change sets touched (pending ones do not count)', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project, { to: '0000_a' });
    const report = await checkDrift(testContext(db.url), project, options());
    expect(report.drifted).toBe(false);
    expect(report.applied).toEqual(['0000_a']);
    expect(report.expected).toMatchObject({ source: 'computed', serverVersion: expect.any(Number) });
  });

  it('detects an index created by hand and a column changed outside migrations', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    await db.sql.unsafe('create index a_name_by_hand on public.a (name); alter table public.a alter column name type varchar(80);');
    const report = await checkDrift(testContext(db.url), project, options());
    expect(report.drifted).toBe(true);
    expect(report.diff.changes.map((c) => [c.kind, c.action, c.table, c.name])).toEqual([
      ['column', 'changed', 'public.a', 'name'],
      ['index', 'added', 'public.a', 'a_name_by_hand'],
    ]);
  });

  it('replays once per applied set: the second check reads the kept schema and replays nothing', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    const { store, entries } = memoryExpectedSchemas();
    const first = await checkDrift(testContext(db.url), project, { ...options(), store });
    expect(first.expected.source).toBe('computed');
    expect([...entries.keys()]).toEqual([first.expected.key]);

    await db.sql.unsafe('create index a_name_by_hand on public.a (name);');
    const events: ProgressEvent[] = [];
    const second = await checkDrift(testContext(db.url, { onProgress: (e) => events.push(e) }), project, { ...options(), store });
    expect(second.expected).toEqual({ ...first.expected, source: 'cached' });
    expect(events.filter((e) => phase(e, 'Replaying'))).toEqual([]);
    expect(second.diff.changes.map((c) => [c.kind, c.action, c.name])).toEqual([['index', 'added', 'a_name_by_hand']]);
  });

  it('holds no lock on the target while it replays: another runner takes it meanwhile', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    let otherRunner: Promise<string> | undefined;
    // The replay's end waits for the other runner, so the whole replay overlaps its attempt.
    const { store } = memoryExpectedSchemas({ beforePut: () => otherRunner!.catch(() => undefined) });
    const ctx = testContext(db.url, {
      onProgress: (event) => {
        if (phase(event, 'Replaying')) otherRunner = withTargetLock(db.url, 'migration-meanwhile', async () => 'took the lock');
      },
    });
    const report = await checkDrift(ctx, project, { ...options(), store });
    expect(report.expected.source).toBe('computed');
    await expect(otherRunner).resolves.toBe('took the lock');
  });

  it('answers LOCKED at once while a migration holds the lock: a migration in progress is never reported as drift', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    await withTargetLock(db.url, 'migration-in-progress', async () => {
      await expect(checkDrift(testContext(db.url), project, options())).rejects.toMatchObject({
        code: 'LOCKED',
        message: expect.stringMatching(/^Target is locked by migration-in-progress since /),
      });
    });
  });

  it('answers several checks of one target at once (as several console processes would), none failing LOCKED', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    const { store } = memoryExpectedSchemas();
    await checkDrift(testContext(db.url), project, { ...options(), store });
    const reports = await Promise.all(Array.from({ length: 6 }, (_, i) => checkDrift(testContext(db.url, { actor: `viewer${i}` }), project, { ...options(), store })));
    expect(reports.map((r) => r.drifted)).toEqual(Array(6).fill(false));
  });
});
