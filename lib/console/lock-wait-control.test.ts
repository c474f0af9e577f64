import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listAudit } from '../auth/audit';
import { closeConsole, withConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import { readProject } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { loadConfig, type StrataConfig } from '../config/environments';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { resolveChangeSet } from '../migrate/bookkeeping-ops';
import type { RunResult } from '../migrate/apply';
import { waitFor } from '../../test/support/cli-process';
import { consoleTestEnv } from '../../test/support/console-env';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { operationWorker } from '../../test/support/operation-worker';
import type { QueueWorker } from '../queue/queue-worker';
import { operationTarget } from './environment-operations';
import { cancelOperation, terminateOperationBlocker } from './lock-wait-control';
import type { OperationRequest } from './operation-request';
import { getOperation, requireOperation, type OperationRecord } from './operations';
import { startEnvironmentOperation } from './start-operations';

// The console's Cancel and Terminate blocker, on a real run of a guarded environment waiting
// for a lock held by a billing-worker session: the record says what the run waits for, the
// cancel is claimed once on the row, both are audited.

const olga: Principal = { username: 'olga', role: 'operator', via: 'console' };
const oscar: Principal = { username: 'oscar', role: 'operator', via: 'console' };
const ada: Principal = { username: 'ada', role: 'admin', via: 'console' };
let prod: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
const holders: Sql[] = [];
const dir = writeFixtureProject([
  { name: 'orders', up: 'create schema risk;\n--> statement-breakpoint\ncreate table risk.orders (id int primary key, total numeric);' },
  { name: 'note', up: 'alter table risk.orders add column note text;' },
]);

beforeAll(async () => {
  prod = await createScratchDatabase('lwcprod');
  consoleDb = await createScratchDatabase('lwcconsole');
  Object.assign(process.env, consoleTestEnv({ label: 'lockwaitctl', environment: { name: 'prod', url: prod.url, protection: 'guarded' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: dir }));
  config = loadConfig();
  await applyChangeSets(testContext(prod.url), readProject(dir), { to: '0000_orders' });
  worker = await operationWorker(config);
});
let worker: QueueWorker;
afterAll(async () => {
  await worker?.stop();
  for (const h of holders) await h.end({ timeout: 1 }).catch(() => undefined);
  await closeConsole(config);
  await prod.drop();
  await consoleDb.drop();
});

async function holdLock(): Promise<number> {
  const holder = connect(prod.url, { max: 1, applicationName: 'billing-worker' });
  holders.push(holder);
  const conn = await holder.reserve();
  await conn.unsafe('begin');
  await conn.unsafe('lock table risk.orders in access share mode');
  const [row] = await conn`select pg_backend_pid() as pid`;
  await conn.unsafe(`select count(*) from risk.orders where id = 4121`);
  return Number(row!.pid);
}

function startApply() {
  const note = readProject(dir).changeSets[1]!;
  const request = { kind: 'run', direction: 'apply', confirm: 'prod', expect: [{ tag: note.tag, checksum: note.forward.checksum }] } as OperationRequest;
  return startEnvironmentOperation(operationTarget('prod'), request, olga);
}

async function waiting(id: number): Promise<OperationRecord> {
  await waitFor(async () => (await getOperation(config, id))!.events.some((e) => e.type === 'lock-wait'), 'the run to report its lock wait');
  return requireOperation(config, id);
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'done',
    (error: unknown) => (isStrataError(error, 'INVALID_STATE') ? error.message : String(error)),
  );

async function columns(): Promise<string[]> {
  const rows = await prod.sql`select column_name from information_schema.columns where table_schema = 'risk' and table_name = 'orders' order by 1`;
  return rows.map((r) => String(r.column_name));
}

describe('cancel and terminate a console run that waits for a lock', () => {
  it('cancels once (a second, concurrent cancel is refused), fails "cancelled by …", audited; a finished operation cannot be cancelled', async () => {
    const blocker = await holdLock();
    const started = await startApply();
    const target = operationTarget('prod');
    // Not waiting yet (its first lock_timeout has not fired): nothing to cancel, nothing recorded.
    expect(await refusal(cancelOperation(target, await requireOperation(config, started.id), olga))).toBe(`Operation #${started.id} is not waiting for a lock; nothing was done`);
    const operation = await waiting(started.id);

    const answers = await Promise.all([refusal(cancelOperation(target, operation, olga)), refusal(cancelOperation(target, operation, oscar))]);
    expect(answers.filter((a) => a === 'done')).toHaveLength(1);
    const winner = answers[0] === 'done' ? 'olga' : 'oscar';
    expect(answers.find((a) => a !== 'done')).toBe(`Operation #${started.id} is already being cancelled by ${winner}`);

    const ended = await started.done;
    expect(ended.state).toBe('failed');
    const result = ended.result as RunResult;
    expect(result.failed!.error!.message).toMatch(new RegExp(`^cancelled by ${winner} while waiting for ACCESS EXCLUSIVE on risk\\.orders — held by pid ${blocker} \\(billing-worker, idle in transaction`));
    // Stored for pages: the blocker's role hidden, like every lock wait's.
    expect(result.failed!.error!.message).toContain('user [name hidden]');
    expect(ended.cancelRequestedBy).toBe(winner);
    expect(await columns()).toEqual(['id', 'total']);
    expect(await refusal(cancelOperation(target, await requireOperation(config, started.id), olga))).toBe(`Operation #${started.id} has already ended (failed); nothing was done`);

    const cancels = await withConsole(config, (sql) => listAudit(sql, { action: 'cancel' }));
    expect(cancels.filter((e) => e.outcome === 'ok').map((e) => [e.actor, e.environment, e.target])).toEqual([[winner, 'prod', `operation #${started.id}`]]);
    expect(cancels.filter((e) => e.outcome === 'failed')).toHaveLength(1);
    // The failed change set blocks the next run until resolved: settle it as retried (nothing of it is in place).
    await resolveChangeSet(testContext(prod.url), readProject(dir), '0001_note', 'retry', 'cancelled while billing-worker held the lock');
    await holders.pop()!.end({ timeout: 1 });
  }, 60_000);

  it("terminates only the run's blocker, audited with its pid, application_name and masked query; the run then applies", async () => {
    const blocker = await holdLock();
    const bystander = connect(prod.url, { max: 1, applicationName: 'bystander' });
    holders.push(bystander);
    const [other] = await bystander`select pg_backend_pid() as pid`;
    const started = await startApply();
    const target = operationTarget('prod');
    const operation = await waiting(started.id);

    expect(await refusal(terminateOperationBlocker(target, operation, ada, Number(other!.pid)))).toBe(`pid ${other!.pid} is not blocking this operation's lock; nothing was terminated`);
    const terminated = await terminateOperationBlocker(target, operation, ada, blocker);
    expect(terminated).toMatchObject({ pid: blocker, applicationName: 'billing-worker' });
    const ended = await started.done;
    expect(ended.state).toBe('succeeded');
    expect(await columns()).toEqual(['id', 'note', 'total']);

    const entries = await withConsole(config, (sql) => listAudit(sql, { action: 'terminate-blocker' }));
    const ok = entries.find((e) => e.outcome === 'ok')!;
    expect([ok.actor, ok.environment, ok.target]).toEqual(['ada', 'prod', `pid ${blocker}`]);
    expect(ok.detail).toBe(`terminated pid ${blocker} (billing-worker, idle in transaction; query: select count(*) from risk.orders where id = ?), in the way of operation #${started.id}`);
    expect(entries.filter((e) => e.outcome === 'failed').map((e) => e.target)).toEqual([`pid ${other!.pid}`]);
  }, 60_000);
});
