import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole, withConsole } from '../auth/console-db';
import { getRequest } from '../auth/requests';
import { readProject } from '../changesets/project';
import { findEnvironment, loadConfig, type StrataConfig } from '../config/environments';
import { applyChangeSets } from '../migrate/apply';
import type { RehearsalReport } from '../rehearse/report';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { consoleTestEnv } from '../../test/support/console-env';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { operationWorker } from '../../test/support/operation-worker';
import type { QueueWorker } from '../queue/queue-worker';
import { fileChangeRequest } from './change-requests';
import type { OperationTarget } from './environment-operations';
import { getOperation, type OperationRecord } from './operations';
import { rehearsalFailed, startRehearsal } from './rehearsals';

/**
 * Rehearsals as the console runs them: a recorded operation of kind `rehearse` whose result is
 * the report, audited, the target only read; and one started and attached to every apply
 * request filed on a protected environment.
 */
let prod: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let target: OperationTarget;
const operator = { username: 'olga', role: 'operator' as const, via: 'console' as const };
const dir = writeFixtureProject([
  { name: 'base', up: 'create table public.items (id int primary key, label text not null, n int not null);', down: 'drop table public.items;' },
  // A table rewrite: ACCESS EXCLUSIVE for as long as it takes, and a new relfilenode.
  { name: 'widen', up: 'alter table public.items alter column n type bigint;', down: 'alter table public.items alter column n type int;' },
]);

beforeAll(async () => {
  prod = await createScratchDatabase('rehprod');
  consoleDb = await createScratchDatabase('rehconsole');
  Object.assign(process.env, consoleTestEnv({ label: 'rehearsals', environment: { name: 'prod', url: prod.url, protection: 'protected' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: dir }));
  config = loadConfig();
  target = { config, environment: findEnvironment(config, 'prod'), project: readProject(dir) };
  await applyChangeSets(testContext(prod.url), target.project, { to: '0000_base' });
  await prod.sql`insert into public.items select g, 'item ' || g, g from generate_series(1, 20000) g`;
});
// Each test runs its operations on a queue worker of its own (the failing project's, a worker configured with it).
let worker: QueueWorker | null = null;
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(async () => {
  await closeConsole(config);
  await prod.drop();
  await consoleDb.drop();
});

/** What a rehearsal must leave exactly as it was: the target's catalog, rows and history. */
async function targetState() {
  return {
    catalog: await catalogFingerprint(prod.sql),
    rows: await prod.sql`select count(*)::int as n, sum(n)::bigint as total, pg_typeof(min(n))::text as type from public.items`,
    history: await prod.sql`select tag, status from strata.change_log order by id`,
  };
}

const auditOf = (intentAfter: number) =>
  withConsole(config, (sql) => sql`select action, outcome, environment, target, detail from console.audit_log where action = 'rehearse' and id > ${intentAfter} order by id`);
const lastAuditId = async () => Number((await withConsole(config, (sql) => sql`select coalesce(max(id), 0) as id from console.audit_log`))[0]!.id);

describe('a rehearsal in the console', () => {
  it('is a recorded, audited operation whose result is the report; the target is unchanged', async () => {
    const before = await targetState();
    const auditFrom = await lastAuditId();
    worker = await operationWorker(config);
    const started = await startRehearsal(target, { sample: 0.5 }, operator);
    const running = await getOperation(config, started.id);
    expect(running).toMatchObject({ kind: 'rehearse', environment: 'prod', actor: 'olga', request: { sample: 0.5 } });
    const record = (await started.done) as OperationRecord<RehearsalReport>;
    expect(record.state, JSON.stringify(record.error)).toBe('succeeded');
    const report = record.result!;
    expect(report.sample).toBe(0.5);
    expect(report.changeSets.map((c) => [c.tag, c.status])).toEqual([['0001_widen', 'ok']]);
    const statement = report.changeSets[0]!.statements[0]!;
    expect(statement.locks.some((l) => /access\s*exclusive/i.test(l.mode) && l.relation === 'public.items' && l.heldMs > 0)).toBe(true);
    expect(statement.rewritten).toEqual(['public.items']);
    expect(report.scratchDropped).toBe(true);
    // The progress reached the record, in the shape the progress bar reads.
    expect((await getOperation(config, started.id))!.events.some((e) => e.type === 'changeset-done' && e.tag === '0001_widen')).toBe(true);
    expect(await targetState()).toEqual(before);
    const audit = await auditOf(auditFrom);
    expect(audit.map((a) => a.outcome)).toEqual(['started', 'ok']);
    expect(audit[0]).toMatchObject({ environment: 'prod', detail: expect.stringContaining('50% sample') });
    expect(audit[1]!.target).toBe('0001_widen');
  });

  it('two at once both run, each on its own copy, and the target is unchanged', async () => {
    const before = await targetState();
    worker = await operationWorker(config);
    const [a, b] = await Promise.all([startRehearsal(target, {}, operator), startRehearsal(target, { sample: 0.01 }, operator)]);
    expect(a.id).not.toBe(b.id);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.state, rb.state], JSON.stringify([ra.error, rb.error])).toEqual(['succeeded', 'succeeded']);
    expect([(ra.result as RehearsalReport).scratchDropped, (rb.result as RehearsalReport).scratchDropped]).toEqual([true, true]);
    expect(await targetState()).toEqual(before);
  });

  it('a change set that fails on the copy makes a failed operation that still carries its report', async () => {
    const failing = writeFixtureProject([
      { name: 'base', up: 'create table public.items (id int primary key, label text not null, n int not null);' },
      { name: 'broken', up: "alter table public.items alter column label type int using label::int;" },
    ]);
    // The worker rebuilds the rehearsal from the record with its own configuration's project.
    worker = await operationWorker({ ...config, projectDir: failing });
    const record = (await (await startRehearsal({ ...target, project: readProject(failing) }, {}, operator)).done) as OperationRecord<RehearsalReport>;
    expect(record.state).toBe('failed');
    expect(record.error).toBeNull();
    expect(rehearsalFailed(record.result!)).toBe(true);
    expect(record.result!.changeSets.find((c) => c.status === 'failed')?.error).toMatch(/invalid input syntax for type integer/);
  });
});

describe('a two-person request', () => {
  it('an apply request gets its rehearsal attached by operation id; a rollback request none', async () => {
    const before = await targetState();
    worker = await operationWorker(config);
    const request = await fileChangeRequest(target, { direction: 'apply', reason: 'widen n' }, operator);
    expect(request.rehearsalOperation).toEqual(expect.any(Number));
    expect((await withConsole(config, (sql) => getRequest(sql, request.id)))!.rehearsalOperation).toBe(request.rehearsalOperation);
    const operation = await getOperation(config, request.rehearsalOperation!);
    expect(operation).toMatchObject({ kind: 'rehearse', environment: 'prod', request: { to: '0001_widen', sample: 1, requestId: request.id } });
    // It ends with the report (followed here by reading the row, as the approvals page does).
    let record = operation!;
    for (let i = 0; i < 600 && record.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      record = (await getOperation(config, request.rehearsalOperation!))!;
    }
    expect(record.state, JSON.stringify(record.error)).toBe('succeeded');
    expect((record.result as RehearsalReport).headlines.join('\n')).toMatch(/public\.items/);
    expect(await targetState()).toEqual(before);

    const rollback = await fileChangeRequest(target, { direction: 'rollback', steps: 1, reason: 'undo base' }, operator);
    expect(rollback.rehearsalOperation).toBeNull();
  });
});
