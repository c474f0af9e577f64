import type postgres from 'postgres';
import type { ConsoleQueryable } from '../auth/console-db';
import type { Sql } from '../db/client';
import { StrataError } from '../errors';
import { workerAliveSql } from '../queue/worker-registry';
import type { WaveSize } from './rollout-waves';

/**
 * A rollout's state in the console database (console.rollouts, console.rollout_targets) and
 * every transition between its states. Each transition runs in one transaction with the
 * rollout's row locked (FOR UPDATE), and the jobs it starts are added in that same
 * transaction (graphile_worker.add_job), so two workers never start the same target, none
 * is skipped, and a crash leaves either the old state or the new one with its jobs.
 */

export const TARGET_JOB = 'strata_rollout_target';

export type RolloutState = 'running' | 'paused' | 'succeeded' | 'failed';
export type RolloutTargetState = 'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped-at-head';

export interface Rollout {
  id: number;
  fleet: string;
  fleetFile: string | null;
  projectDir: string;
  toTag: string | null;
  waves: WaveSize[];
  concurrency: number;
  maxFailures: number;
  state: RolloutState;
  actor: string;
  driver: number | null;
  createdAt: Date;
  finishedAt: Date | null;
  error: string | null;
  /** The approved request it was started by (a protected fleet's rollout), or null. */
  request: number | null;
}

export interface RolloutTarget {
  name: string;
  wave: number;
  state: RolloutTargetState;
  applied: string[];
  error: string | null;
  attempts: number;
}

/** What a new rollout is made of: its row's settings, and its targets. */
export type NewRollout = Pick<Rollout, 'fleet' | 'fleetFile' | 'projectDir' | 'toTag' | 'waves' | 'concurrency' | 'maxFailures' | 'actor' | 'driver'> & {
  /** The approved request that starts it (rollout-requests.ts); absent for an unprotected fleet. */
  request?: number | null;
  /** Target names in name order, with the wave of each. */
  targets: Array<{ name: string; wave: number }>;
};

export type Tx = postgres.TransactionSql<Record<string, never>>;

function rolloutOf(r: Record<string, unknown>): Rollout {
  return {
    id: Number(r.id),
    fleet: String(r.fleet),
    fleetFile: (r.fleet_file as string | null) ?? null,
    projectDir: String(r.project_dir),
    toTag: (r.to_tag as string | null) ?? null,
    waves: r.waves as WaveSize[],
    concurrency: Number(r.concurrency),
    maxFailures: Number(r.max_failures),
    state: r.state as RolloutState,
    actor: String(r.actor),
    driver: r.driver === null ? null : Number(r.driver),
    createdAt: r.created_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    error: (r.error as string | null) ?? null,
    request: r.request === null || r.request === undefined ? null : Number(r.request),
  };
}

/** Creates a rollout and starts its first targets, in one transaction. A second unfinished rollout of the fleet is refused, naming the first. */
export async function createRollout(sql: Sql, input: NewRollout): Promise<Rollout> {
  try {
    return await sql.begin((tx) => insertRollout(tx, input));
  } catch (error) {
    throw await openRolloutRefusal(sql, input.fleet, error);
  }
}

/**
 * createRollout's work inside the caller's transaction: an approved request's claim and its
 * rollout commit together, or neither does (rollout-requests.ts).
 */
export async function insertRollout(tx: Tx, input: NewRollout): Promise<Rollout> {
  const [row] = await tx`
    insert into console.rollouts (fleet, fleet_file, project_dir, to_tag, waves, concurrency, max_failures, actor, driver, request)
    values (${input.fleet}, ${input.fleetFile}, ${input.projectDir}, ${input.toTag}, ${tx.json(input.waves as never)}, ${input.concurrency}, ${input.maxFailures}, ${input.actor}, ${input.driver}, ${input.request ?? null})
    returning *`;
  const id = Number(row!.id);
  await tx`insert into console.rollout_targets ${tx(input.targets.map((t) => ({ rollout: id, name: t.name, wave: t.wave })))}`;
  await advance(tx, id);
  return rolloutOf(row!);
}

/** A second unfinished rollout of the fleet (the database's unique index) as LOCKED, naming the first; any other error as it is. */
export async function openRolloutRefusal(sql: ConsoleQueryable, fleet: string, error: unknown): Promise<unknown> {
  if ((error as { code?: string }).code === '23505' && String((error as { constraint_name?: string }).constraint_name) === 'rollouts_one_open_per_fleet') {
    const open = await findOpenRollout(sql, fleet);
    return new StrataError('LOCKED', `Fleet "${fleet}" already has an unfinished rollout${open ? ` (rollout ${open.rollout.id}, ${open.rollout.state}, started by ${open.rollout.actor})` : ''}; wait for it, or pause it first`, { rollout: open?.rollout.id ?? null });
  }
  return error;
}

/** The fleet's running or paused rollout, if any, and whether the process driving it is alive. */
export async function findOpenRollout(sql: ConsoleQueryable, fleet: string): Promise<{ rollout: Rollout; driverAlive: boolean } | null> {
  const [row] = await sql`select * from console.rollouts where fleet = ${fleet} and state in ('running', 'paused')`;
  if (!row) return null;
  const rollout = rolloutOf(row);
  return { rollout, driverAlive: rollout.driver !== null && (await driverAlive(sql, rollout.driver)) };
}

async function driverAlive(sql: ConsoleQueryable, driver: number): Promise<boolean> {
  const [row] = await sql.unsafe(`select ${workerAliveSql()} as alive`, [driver]);
  return Boolean(row?.alive);
}

/**
 * A rerun takes over a running rollout whose driving process is gone (a killed CLI): it
 * becomes the driver and starts what can start. Refused while the driver lives.
 */
export async function takeOverRollout(sql: Sql, id: number, driver: number): Promise<Rollout> {
  return sql.begin(async (tx) => {
    const rollout = await lockRollout(tx, id);
    if (rollout.state !== 'running') throw new StrataError('INVALID_STATE', `Rollout ${id} is ${rollout.state}${rollout.state === 'paused' ? `: resume it with strata rollout resume ${id}` : ''}`);
    if (rollout.driver !== null && rollout.driver !== driver && (await driverAlive(tx, rollout.driver))) {
      throw new StrataError('LOCKED', `Rollout ${id} of fleet "${rollout.fleet}" is running (started by ${rollout.actor}, driven by a live process); wait for it, or pause it first`, { rollout: id });
    }
    await tx`update console.rollouts set driver = ${driver} where id = ${id}`;
    await advance(tx, id);
    return { ...rollout, driver };
  });
}

async function lockRollout(tx: Tx, id: number): Promise<Rollout> {
  const [row] = await tx`select * from console.rollouts where id = ${id} for update`;
  if (!row) throw new StrataError('NOT_FOUND', `No rollout ${id}`);
  return rolloutOf(row);
}

/**
 * The heart of a rollout, run after every change with the rollout's row locked: while it is
 * running, start waiting targets of the current wave (the lowest with targets not done) up
 * to the concurrency limit; when a wave has ended, check the failure budget before the next
 * one starts; when no wave is left, finish.
 */
async function advance(tx: Tx, id: number): Promise<void> {
  const [r] = await tx`select * from console.rollouts where id = ${id}`;
  const rollout = rolloutOf(r!);
  if (rollout.state !== 'running') return;
  const targets = await tx`select name, wave, state from console.rollout_targets where rollout = ${id} order by wave, name`;
  const failed = targets.filter((t) => t.state === 'failed').map((t) => String(t.name));
  const running = targets.filter((t) => t.state === 'running').length;
  const open = targets.filter((t) => t.state === 'waiting' || t.state === 'running');
  if (open.length === 0) {
    const error = failed.length ? `${failed.length} target${failed.length === 1 ? '' : 's'} failed: ${failed.join(', ')}` : null;
    await tx`update console.rollouts set state = ${failed.length ? 'failed' : 'succeeded'}, finished_at = now(), error = ${error} where id = ${id}`;
    return;
  }
  const wave = Number(open[0]!.wave);
  const waveStarted = targets.some((t) => Number(t.wave) === wave && t.state !== 'waiting');
  if (!waveStarted && failed.length > rollout.maxFailures) {
    const error =
      `stopped before wave ${wave + 1}: ${failed.length} target${failed.length === 1 ? '' : 's'} failed (at most ${rollout.maxFailures} allowed): ${failed.join(', ')}. ` +
      `Fix them, then run strata rollout retry-failed ${id}, or roll out again`;
    await tx`update console.rollouts set state = 'failed', finished_at = now(), error = ${error} where id = ${id}`;
    return;
  }
  const free = rollout.concurrency - running;
  if (free <= 0) return;
  const start = targets.filter((t) => Number(t.wave) === wave && t.state === 'waiting').slice(0, free).map((t) => String(t.name));
  if (start.length === 0) return;
  await tx`
    update console.rollout_targets set state = 'running', attempts = attempts + 1, started_at = now(), finished_at = null, error = null
    where rollout = ${id} and name = any(${start}) and state = 'waiting'`;
  for (const name of start) {
    await tx`select graphile_worker.add_job(${TARGET_JOB}, payload := (${JSON.stringify({ rollout: id, target: name })}::text)::json, max_attempts := 25)`;
  }
}

/** What a target job found: it is at the head, it applied change sets, or it failed (the error's words, no URL). */
export type TargetOutcome = { state: 'succeeded' | 'skipped-at-head'; applied: string[] } | { state: 'failed'; applied: string[]; error: string };

/** Records a running target's outcome and moves the rollout on. A target no longer running (a duplicate job) is left alone. */
export async function finishTarget(sql: Sql, id: number, name: string, outcome: TargetOutcome): Promise<boolean> {
  return sql.begin(async (tx) => {
    await lockRollout(tx, id);
    const updated = await tx`
      update console.rollout_targets set state = ${outcome.state}, applied = ${outcome.applied}, error = ${outcome.state === 'failed' ? outcome.error : null}, finished_at = now()
      where rollout = ${id} and name = ${name} and state = 'running' returning name`;
    await advance(tx, id);
    return updated.length > 0;
  });
}

/** The target's row, for a job deciding whether it still has work to do. */
export async function readTarget(sql: ConsoleQueryable, id: number, name: string): Promise<RolloutTarget | null> {
  const [row] = await sql`select * from console.rollout_targets where rollout = ${id} and name = ${name}`;
  return row ? targetOf(row) : null;
}

function targetOf(row: Record<string, unknown>): RolloutTarget {
  return { name: String(row.name), wave: Number(row.wave), state: row.state as RolloutTargetState, applied: (row.applied as string[]) ?? [], error: (row.error as string | null) ?? null, attempts: Number(row.attempts) };
}

export async function readRollout(sql: ConsoleQueryable, id: number): Promise<Rollout> {
  const [row] = await sql`select * from console.rollouts where id = ${id}`;
  if (!row) throw new StrataError('NOT_FOUND', `No rollout ${id}`);
  return rolloutOf(row);
}

export async function readRolloutTargets(sql: ConsoleQueryable, id: number): Promise<RolloutTarget[]> {
  const rows = await sql`select * from console.rollout_targets where rollout = ${id} order by wave, name`;
  return rows.map(targetOf);
}

/** pause: no new target starts (running ones finish). */
export async function pauseRollout(sql: Sql, id: number): Promise<Rollout> {
  return sql.begin(async (tx) => {
    const rollout = await lockRollout(tx, id);
    if (rollout.state !== 'running') throw new StrataError('INVALID_STATE', `Rollout ${id} is ${rollout.state}, not running: nothing to pause`);
    await tx`update console.rollouts set state = 'paused' where id = ${id}`;
    return { ...rollout, state: 'paused' as const };
  });
}

/** resume: a paused rollout runs again from where it stood. */
export async function resumeRollout(sql: Sql, id: number): Promise<Rollout> {
  return sql.begin(async (tx) => {
    const rollout = await lockRollout(tx, id);
    if (rollout.state !== 'paused') throw new StrataError('INVALID_STATE', `Rollout ${id} is ${rollout.state}, not paused: nothing to resume`);
    await tx`update console.rollouts set state = 'running' where id = ${id}`;
    await advance(tx, id);
    return { ...rollout, state: 'running' as const };
  });
}

/** retry-failed: failed targets wait again, and a stopped rollout runs on (the failure budget counts from zero again for them). */
export async function retryFailedTargets(sql: Sql, id: number, driver: number | null): Promise<{ rollout: Rollout; retried: string[] }> {
  try {
    return await sql.begin(async (tx) => {
      const rollout = await lockRollout(tx, id);
      const retried = await tx`update console.rollout_targets set state = 'waiting', error = null where rollout = ${id} and state = 'failed' returning name`;
      if (retried.length === 0) throw new StrataError('INVALID_STATE', `Rollout ${id} has no failed target to retry`);
      if (rollout.state === 'failed' || rollout.state === 'succeeded') {
        await tx`update console.rollouts set state = 'running', finished_at = null, error = null, driver = ${driver} where id = ${id}`;
      }
      await advance(tx, id);
      return { rollout: await readRollout(tx, id), retried: retried.map((r) => String(r.name)) };
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new StrataError('LOCKED', `Rollout ${id}'s fleet has another unfinished rollout; retry when it has ended`);
    throw error;
  }
}
