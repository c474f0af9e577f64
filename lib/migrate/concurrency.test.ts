import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { readTarget } from './read-status';
import { withTargetLock } from './target-lock';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('conc');
});
afterEach(async () => {
  await db.drop();
});

async function advisoryLocks(): Promise<number> {
  const [row] = await db.sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;
  return row!.n;
}

describe('the per-target lock', () => {
  it('a second runner fails at once with who holds the lock and since when', async () => {
    const project = readProject(writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);' }]));
    await withTargetLock(db.url, 'alice', async () => {
      const error = await applyChangeSets(testContext(db.url, { actor: 'bob' }), project).catch((e) => e);
      expect(error.code).toBe('LOCKED');
      expect(error.message).toMatch(/^Target is locked by alice since \d{4}-\d\d-\d\dT/);
    });
    expect(await advisoryLocks()).toBe(0);
  });

  it('two concurrent apply processes: exactly one applies, the other exits 3, nothing runs twice', async () => {
    // The first runner's change set waits on a gate the test holds, so the two truly overlap.
    await db.sql`create table public.gate (id int)`;
    const gate = await db.sql.reserve();
    await gate`begin`;
    await gate`lock table public.gate in access exclusive mode`;
    const dir = writeFixtureProject([
      { name: 'gated', up: 'create table public.gated (id int);\n--> statement-breakpoint\nlock table public.gate in access share mode;' },
      { name: 'next', up: 'create table public.next (id int);' },
    ]);
    const args = ['apply', '--database-url', db.url, '--dir', dir, '--json', '--lock-timeout', '60s'];
    const first = spawnCli([...args, '--actor', 'runner-1']);
    await waitFor(async () => (await db.sql`select 1 from pg_stat_activity where datname = current_database() and query like 'lock table public.gate in access share%'`).length > 0, 'the first runner to reach the gate');
    const second = await spawnCli([...args, '--actor', 'runner-2']).output;
    await gate`commit`;
    gate.release();
    const firstResult = await first.output;
    expect([firstResult.code, second.code], JSON.stringify([firstResult, second])).toEqual([0, 3]);
    expect(second.stderr).toMatch(/error \[LOCKED\]: Target is locked by cli:\S+ \(as runner-1\) since/);
    expect(JSON.parse(second.stdout).error.code).toBe('LOCKED');
    const { history } = await readTarget(db.url, readProject(dir));
    expect(history.map((h) => [h.tag, h.actor.replace(/^cli:\S+ /, 'cli ')])).toEqual([['0000_gated', 'cli (as runner-1)'], ['0001_next', 'cli (as runner-1)']]);
  });

  it('SIGKILL mid-change-set leaves the target before the change set, and frees the lock', async () => {
    const dir = writeFixtureProject([
      { name: 'quick', up: 'create table public.quick (id int);' },
      { name: 'killed', up: 'create table public.half (id int);\n--> statement-breakpoint\nselect pg_sleep(60);\n--> statement-breakpoint\ncreate table public.never (id int);' },
    ]);
    const child = spawnCli(['apply', '--database-url', db.url, '--dir', dir, '--actor', 'doomed']);
    await waitFor(async () => (await db.sql`select 1 from pg_stat_activity where datname = current_database() and query like 'select pg_sleep(60)%'`).length > 0, 'the slow statement to start');
    child.kill('SIGKILL');
    const { signal } = await child.output;
    expect(signal).toBe('SIGKILL');
    // PostgreSQL notices the dead client (client_connection_check_interval) and ends its session.
    await waitFor(async () => (await advisoryLocks()) === 0, 'the advisory lock to be released');
    const tables = await db.sql`select tablename from pg_tables where schemaname = 'public' order by 1`;
    expect(tables.map((t) => t.tablename)).toEqual(['quick']);
    const project = readProject(dir);
    const { status } = await readTarget(db.url, project);
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'pending']);
    // The next runner gets the lock and finishes the job exactly once.
    const fixed = writeFixtureProject([
      { name: 'quick', up: 'create table public.quick (id int);' },
      { name: 'killed', up: 'create table public.half (id int);\n--> statement-breakpoint\nselect 1;\n--> statement-breakpoint\ncreate table public.never (id int);' },
    ]);
    const result = await applyChangeSets(testContext(db.url), readProject(fixed));
    expect(result.records.map((r) => r.tag)).toEqual(['0001_killed']);
  });
});
