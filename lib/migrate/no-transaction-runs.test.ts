import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { readColumn } from '../console/pipeline';
import { allEnvironmentHealth } from '../health/environment-health';
import { renderMetrics } from '../observability/metrics';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { resolveChangeSet } from './bookkeeping-ops';
import { bookkeepingEntry, ensureBookkeeping, insertEntry, loadHistory } from './history-store';
import { appliedInOrder } from './plan';
import { readTarget } from './read-status';
import { rollbackChangeSets } from './rollback';
import { externalConfig } from '../../test/support/external-config';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('notx');
});
afterEach(async () => {
  await db.drop();
});

const NO_TX = '-- strata:no-transaction\n';

async function tables(): Promise<string[]> {
  const rows = await db.sql`select tablename from pg_tables where schemaname = 'public' order by 1`;
  return rows.map((r) => String(r.tablename));
}

async function advisoryLocks(): Promise<number> {
  const [row] = await db.sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;
  return row!.n;
}

/** A project whose second change set runs without a transaction and sleeps in its middle statement. */
function slowProject(middle = 'select pg_sleep(60);'): string {
  return writeFixtureProject([
    { name: 'quick', up: 'create table public.quick (id int);', down: 'drop table public.quick;' },
    {
      name: 'slow',
      up: `${NO_TX}create table public.half (id int);\n--> statement-breakpoint\n${middle}\n--> statement-breakpoint\ncreate table public.never (id int);`,
      down: `${NO_TX}drop table if exists public.never;\n--> statement-breakpoint\ndrop table public.half;`,
    },
  ]);
}

describe('no-transaction change sets write a started row first', () => {
  it('a normal run leaves started + applied rows and the state applied', async () => {
    const project = readProject(slowProject('select 1;'));
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.records.map((r) => [r.tag, r.status])).toEqual([['0000_quick', 'applied'], ['0001_slow', 'applied']]);
    const { status, history } = await readTarget(db.url, project);
    expect(history.map((h) => [h.tag, h.status, h.statements, h.noTransaction])).toEqual([
      ['0000_quick', 'applied', 1, false],
      ['0001_slow', 'started', 3, true],
      ['0001_slow', 'applied', 3, true],
    ]);
    expect(history[1]!.durationMs).toBe(0);
    expect(history[1]!.finishedAt.getTime()).toBe(history[1]!.startedAt.getTime());
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'applied']);
    expect(status.counts.interrupted).toBe(0);
    expect(appliedInOrder(status).map((c) => c.tag)).toEqual(['0000_quick', '0001_slow']);
    // The rollback file runs without a transaction too: its own started row, then its outcome.
    await rollbackChangeSets(testContext(db.url), project);
    const after = await readTarget(db.url, project);
    expect(after.history.slice(3).map((h) => [h.tag, h.direction, h.status])).toEqual([
      ['0001_slow', 'down', 'started'],
      ['0001_slow', 'down', 'rolled_back'],
    ]);
    expect(after.status.changeSets[1]!.state).toBe('pending');
  });

  it('a failing run leaves started + failed rows and the state failed', async () => {
    const project = readProject(slowProject('select 1/0;'));
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.failed?.error).toMatchObject({ statementIndex: 1, noTransaction: true, code: '22012' });
    const { status, history } = await readTarget(db.url, project);
    expect(history.map((h) => [h.tag, h.status])).toEqual([
      ['0000_quick', 'applied'],
      ['0001_slow', 'started'],
      ['0001_slow', 'failed'],
    ]);
    expect(status.changeSets[1]!.state).toBe('failed');
    expect(await tables()).toEqual(['half', 'quick']);
  });

  it('upgrades a history created before the started status existed, on the next session', async () => {
    await ensureBookkeeping(db.sql);
    await db.sql.unsafe(`
      ALTER TABLE strata.change_log DROP CONSTRAINT change_log_status_check;
      ALTER TABLE strata.change_log ADD CONSTRAINT change_log_status_check CHECK (status IN ('applied', 'rolled_back', 'failed'))`);
    const project = readProject(slowProject('select 1;'));
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.failed).toBeNull();
    expect((await loadHistory(db.sql)).map((h) => h.status)).toEqual(['applied', 'started', 'applied']);
  });
});

describe('a no-transaction change set killed half-way', () => {
  it('is interrupted, with its history row, blocks apply and rollback until resolved, and retry unblocks it', async () => {
    const dir = slowProject();
    const project = readProject(dir);
    const child = spawnCli(['apply', '--database-url', db.url, '--dir', dir, '--actor', 'doomed']);
    await waitFor(async () => (await db.sql`select 1 from pg_stat_activity where datname = current_database() and query like 'select pg_sleep(60)%'`).length > 0, 'the slow statement to start');

    // While it runs, its own started row is the latest: the status says so, and who holds the lock.
    const running = (await readTarget(db.url, project)).status.changeSets[1]!;
    expect(running.state).toBe('interrupted');
    expect(running.reason).toMatch(/running now, or its process stopped half-way/);
    expect(running.reason).toMatch(/The target's lock is held by cli:\S+ \(as doomed\) since .* \(backend pid \d+\): if that is this run, wait for it to finish/);

    child.kill('SIGKILL');
    expect((await child.output).signal).toBe('SIGKILL');
    await waitFor(async () => (await advisoryLocks()) === 0, 'the advisory lock to be released');

    const { status, history } = await readTarget(db.url, project);
    expect(history.map((h) => [h.tag, h.status, h.actor.replace(/^cli:\S+ \(as (.*)\)$/, '$1')])).toEqual([
      ['0000_quick', 'applied', 'doomed'],
      ['0001_slow', 'started', 'doomed'],
    ]);
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'interrupted']);
    expect(status.counts.interrupted).toBe(1);
    expect(status.schemaVersion).toBe('0000_quick');
    expect(status.lastMigrationAt).toEqual(history[0]!.finishedAt);
    const reason = status.changeSets[1]!.reason!;
    expect(reason).toMatch(/^0001_slow is interrupted: its apply \(migrations\/0001_slow\.sql, without a transaction, 3 statements\) was started by cli:\S+ \(as doomed\) at \d{4}-/);
    expect(reason).toMatch(/running now, or its process stopped half-way/);
    expect(reason).toMatch(/No other session holds the target's lock, so it is not running: it stopped half-way\./);
    expect(reason).toMatch(/CREATE INDEX CONCURRENTLY leaves an INVALID index, which must be dropped or finished by hand/);
    expect(reason).toMatch(/strata resolve 0001_slow --as retry\|applied\|rolled-back --reason/);
    expect(await tables()).toEqual(['half', 'quick']);

    // Every reader sees it: the CLI's status, the pipeline cell, health and metrics.
    const statusText = await cli('status', '--database-url', db.url, '--dir', dir);
    expect(statusText.stdout).toMatch(/1 applied, 0 pending, 0 failed, 1 interrupted/);
    expect(statusText.stdout).toMatch(/0001_slow\s+interrupted/);
    expect(statusText.stdout).toMatch(/! 0001_slow is interrupted/);
    const historyText = await cli('history', '--database-url', db.url, '--dir', dir);
    expect(historyText.stdout).toMatch(/0001_slow\s+apply\s+started\s+cli:\S+ \(as doomed\)\s+—/);
    const config = configFor(dir);
    const column = await readColumn(config.environments[0]!, project);
    expect(column.cells['0001_slow']).toMatchObject({ state: 'interrupted', actor: expect.stringMatching(/\(as doomed\)$/) });
    const [health] = await allEnvironmentHealth(config);
    expect(health).toMatchObject({ interrupted: 1, failed: 0, pending: 0, applied: 1 });
    const metrics = (await renderMetrics(config)).body;
    expect(metrics).toContain('strata_changesets_interrupted{env="staging"} 1');
    expect(metrics).not.toMatch(/status="started"/);

    // Apply and rollback refuse, naming the change set, and change nothing.
    const before = { catalog: await catalogFingerprint(db.sql), rows: (await loadHistory(db.sql)).length };
    for (const run of [() => applyChangeSets(testContext(db.url), project), () => rollbackChangeSets(testContext(db.url), project)]) {
      const error = await run().catch((e) => e);
      expect(error).toMatchObject({ code: 'BLOCKED_BY_FAILURE', details: { tags: ['0001_slow'], interrupted: ['0001_slow'] } });
      expect(error.message).toMatch(/0001_slow is interrupted.*so it is not running: it stopped half-way/);
    }
    expect({ catalog: await catalogFingerprint(db.sql), rows: (await loadHistory(db.sql)).length }).toEqual(before);

    // A person cleans up what ran, fixes the file and retries.
    await db.sql`drop table public.half`;
    fs.writeFileSync(path.join(dir, 'migrations/0001_slow.sql'), `${NO_TX}create table public.half (id int);\n--> statement-breakpoint\nselect 1;\n--> statement-breakpoint\ncreate table public.never (id int);`);
    const resolved = await cli('resolve', '0001_slow', '--database-url', db.url, '--dir', dir, '--as', 'retry', '--reason', 'dropped public.half by hand');
    expect(resolved).toMatchObject({ code: 0 });
    expect(resolved.stdout).toMatch(/0001_slow resolved \(retry\); it is now pending\./);
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.records.map((r) => [r.tag, r.status])).toEqual([['0001_slow', 'applied']]);
    expect(await tables()).toEqual(['half', 'never', 'quick']);
    const final = await readTarget(db.url, readProject(dir));
    expect(final.history.slice(1).map((h) => [h.operation, h.status])).toEqual([
      ['apply', 'started'],
      ['resolve', 'rolled_back'],
      ['apply', 'started'],
      ['apply', 'applied'],
    ]);
    expect(final.status.changeSets.map((c) => c.state)).toEqual(['applied', 'applied']);
  });
});

describe('resolving an interrupted change set', () => {
  /** The trace a killed run leaves: its started row (the SIGKILL test above makes a real one). */
  async function interrupt(project: ReturnType<typeof readProject>, direction: 'up' | 'down'): Promise<void> {
    const changeSet = project.changeSets[1]!;
    await insertEntry(db.sql, {
      ...bookkeepingEntry({ version: changeSet.version, tag: changeSet.tag, operation: 'resolve', status: 'applied', checksum: changeSet.forward.checksum, actor: 'gone', environment: 'test', reason: '' }),
      operation: direction === 'up' ? 'apply' : 'rollback',
      direction,
      status: 'started',
      statements: 3,
      noTransaction: true,
      reason: null,
    });
  }

  it('--as applied records it applied; --as rolled-back makes it pending', async () => {
    const project = readProject(slowProject('select 1;'));
    await applyChangeSets(testContext(db.url), project, { to: '0000_quick' });
    await interrupt(project, 'up');
    expect((await readTarget(db.url, project)).status.changeSets[1]!.state).toBe('interrupted');
    expect(await resolveChangeSet(testContext(db.url), project, '0001_slow', 'applied', 'finished by hand')).toBe('applied');
    const applied = await readTarget(db.url, project);
    expect(applied.status.changeSets[1]!.state).toBe('applied');
    expect(appliedInOrder(applied.status).map((c) => c.tag)).toEqual(['0000_quick', '0001_slow']);

    await interrupt(project, 'down');
    expect(await resolveChangeSet(testContext(db.url), project, '0001_slow', 'rolled-back', 'undone by hand')).toBe('pending');
    expect((await readTarget(db.url, project)).status.changeSets[1]!.state).toBe('pending');
  });

  it('an interrupted rollback is not adopted as applied from drizzle\'s leftover row', async () => {
    const project = readProject(slowProject('select 1;'));
    await applyChangeSets(testContext(db.url), project);
    await interrupt(project, 'down');
    // drizzle's row is still there (a rollback removes it only when it succeeds).
    expect((await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]!.n).toBe(2);
    const error = await applyChangeSets(testContext(db.url), project).catch((e) => e);
    expect(error).toMatchObject({ code: 'BLOCKED_BY_FAILURE' });
    expect(error.message).toMatch(/its rollback \(rollback\/0001_slow\.sql/);
    const { status, history } = await readTarget(db.url, project);
    expect(history.map((h) => h.operation)).not.toContain('adopt');
    expect(status.changeSets[1]).toMatchObject({ state: 'interrupted', appliedByDrizzleOnly: false });
  });
});

function configFor(dir: string): StrataConfig {
  return externalConfig({ projectDir: dir, consoleDatabaseUrl: db.url, shadowServerUrl: db.url, environments: [{ name: 'staging', url: db.url, protection: 'guarded' }] });
}
