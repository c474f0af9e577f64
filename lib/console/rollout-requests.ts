import { createHash } from 'node:crypto';
import { withConsole } from '../auth/console-db';
import { assertApproved, claimRequest, createRequest, finishRequest } from '../auth/requests';
import type { ChangeRequest, Principal } from '../auth/types';
import type { Project } from '../changesets/project';
import type { Sql } from '../db/client';
import { isStrataError, StrataError } from '../errors';
import type { CheckOptions } from '../fleet/fleet-overview';
import { fleetTargets } from '../fleet/fleet-targets';
import { DEFAULT_ROLLOUT_CONCURRENCY, DEFAULT_WAVES } from '../fleet/rollout-protection';
import { changeSetsUpTo, dryRunRollout, type RolloutDryRun, type RolloutRequest } from '../fleet/rollout-run';
import { insertRollout, openRolloutRefusal, type Rollout } from '../fleet/rollout-store';
import { assignWaves, parseWaves, wavesText } from '../fleet/rollout-waves';
import { planDifference, planItems, type PlanItem } from '../migrate/plan';
import { audited } from './audited';
import { executorLabel, findRequest } from './change-requests';
import { rolloutPayload, type RolloutPayload } from './rollout-payload';

/**
 * Two-person approval of a protected fleet's rollout, as a whole: an operator files a request
 * (kind `rollout`, its environment the fleet's name) with the rollout's options and a dry run
 * on a representative target; another admin approves it under the same rules as any request
 * (lib/auth/requests.ts: not the filer, unexpired, once); executing it claims the request and
 * starts the rollout in ONE console transaction — the rollout carries the request's id, and
 * a refusal (another rollout of the fleet unfinished) leaves the request approved, untouched.
 *
 * What the approval covers (its plan): the project's change sets up to `to`, each with its
 * checksum, and the fleet's target list. A new head, an edited file or a target that joined
 * or left the fleet makes the plan differ at execution: the request fails for good, saying
 * what changed, and nothing starts.
 */

export interface RolloutRequestInput {
  to?: string;
  waves?: string;
  concurrency?: number;
  maxFailures?: number;
  reason: string;
}

/** The plan item that stands for the target list: its names' fingerprint. */
export function targetsItem(names: readonly string[]): PlanItem {
  return { tag: `fleet targets (${names.length})`, checksum: createHash('sha256').update(names.join('\n')).digest('hex') };
}

/** What a rollout request's approval covers: the change sets up to `to` (the head when null), then the target list. */
export function rolloutRequestPlan(project: Project, to: string | null, targetNames: readonly string[]): PlanItem[] {
  return [...planItems(changeSetsUpTo(project, to), 'apply'), targetsItem(targetNames)];
}

function refuseUnprotected(options: CheckOptions): void {
  if (options.fleet.protection !== 'protected') {
    throw new StrataError('BAD_USAGE', `Fleet "${options.fleet.name}" is ${options.fleet.protection}: requests are for protected fleets; start its rollout directly`);
  }
}

/** The reviewer's summary of the rollout's dry run: where, why there, and the usual dry-run summary. */
function dryRunSummary(dry: RolloutDryRun) {
  const r = dry.result;
  return {
    mode: r.mode,
    durationMs: r.durationMs,
    diff: r.diff,
    risks: r.risks,
    backupTables: r.backupTables,
    changeSets: r.changeSets.map((c) => ({ tag: c.tag, status: c.status, rows: c.rows, durationMs: c.durationMs })),
    rollout: {
      representative: dry.representative.name,
      why: dry.representative.why,
      like: dry.representative.like,
      of: dry.representative.of,
      unreadable: dry.representative.unreadable,
      pendingTargets: dry.pendingTargets,
      waves: dry.waves,
      onTargetSkipped: dry.onTargetSkipped,
    },
  };
}

/**
 * Files a protected fleet's rollout request: the options checked as a start checks them, the
 * dry run on the representative target (refused when it fails, or when no target has anything
 * to run), then the request, audited like every request.
 */
export async function fileRolloutRequest(options: CheckOptions, input: RolloutRequestInput, principal: Principal): Promise<{ request: ChangeRequest; dryRun: RolloutDryRun }> {
  const { config, fleet, project } = options;
  refuseUnprotected(options);
  const reason = input.reason.trim();
  if (!reason) throw new StrataError('BAD_USAGE', 'Say why: a request needs a reason for the person who approves it');
  const payload: RolloutPayload = {
    waves: wavesText(parseWaves(input.waves ?? DEFAULT_WAVES)),
    concurrency: input.concurrency ?? DEFAULT_ROLLOUT_CONCURRENCY,
    maxFailures: input.maxFailures ?? 0,
    to: input.to ?? null,
    targets: [],
  };
  const request: RolloutRequest = { fleet, fleetFile: null, project, toTag: payload.to, waves: parseWaves(payload.waves), concurrency: payload.concurrency, maxFailures: payload.maxFailures, actor: principal.username };
  const dry = await dryRunRollout(config, request);
  if (dry.result.failed) {
    throw new StrataError('STATEMENT_FAILED', `The dry run on ${dry.representative.name} (the representative target) fails at ${dry.result.failed.tag}: ${dry.result.failed.error?.message}. Nothing was requested.`);
  }
  if (dry.pendingTargets === 0) throw new StrataError('INVALID_STATE', `Nothing to do: every target of fleet "${fleet.name}" is at ${payload.to ?? 'the head'}`);
  payload.targets = dry.targets;
  const plan = rolloutRequestPlan(project, payload.to, dry.targets);
  const what = `rollout to ${dry.targets.length} targets (${dry.pendingTargets} pending), waves ${payload.waves}`;
  const filed = await audited(
    config,
    principal,
    { action: 'request', environment: fleet.name, target: `${what}${payload.to ? `, to ${payload.to}` : ''}`, intent: reason.slice(0, 500) },
    () =>
      withConsole(config, (sql) =>
        createRequest(sql, {
          environment: fleet.name,
          kind: 'rollout',
          payload,
          direction: null,
          to: null,
          steps: null,
          plan,
          dryRun: dryRunSummary(dry),
          requestedBy: principal.username,
          reason,
          ttlHours: config.approvals?.requestHours,
        }),
      ),
    (r) => ({ outcome: 'ok', detail: `request #${r.id}: ${reason}`.slice(0, 500) }),
  );
  return { request: filed, dryRun: dry };
}

/** The fleet's rollout request #id, or NOT_FOUND (another fleet's request, or another kind, is not this fleet's). */
export async function findRolloutRequest(options: CheckOptions, id: number): Promise<ChangeRequest> {
  const request = await findRequest({ config: options.config }, id).catch(() => null);
  if (!request || request.kind !== 'rollout' || request.environment !== options.fleet.name) {
    throw new StrataError('NOT_FOUND', `Fleet "${options.fleet.name}" has no rollout request #${id}`);
  }
  return request;
}

/** Which targets joined or left the fleet since the request was filed, in words; null when none. */
function targetChange(filed: readonly string[], now: readonly string[]): string | null {
  const before = new Set(filed);
  const after = new Set(now);
  const joined = now.filter((n) => !before.has(n));
  const left = filed.filter((n) => !after.has(n));
  const list = (names: string[]) => `${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
  const parts = [joined.length ? `joined: ${list(joined)}` : '', left.length ? `left: ${list(left)}` : ''].filter(Boolean);
  return parts.length ? `the fleet's targets changed (${parts.join('; ')})` : null;
}

/**
 * Executes an approved rollout request: the plan made now (the project's change sets up to
 * `to`, the fleet's targets now) must be the approved one; then, in one transaction, the
 * request is claimed (once: a second caller finds it executed), the rollout created with its
 * first jobs and the request's id, and the request recorded as executed with the rollout's
 * id. `driver`: the queue_workers id of a CLI that waits for it, or null (the console's worker).
 */
export async function executeRolloutRequest(options: CheckOptions, id: number, principal: Principal, driver: number | null = null): Promise<{ rollout: Rollout; request: ChangeRequest }> {
  const { config, fleet, project } = options;
  refuseUnprotected(options);
  const request = await findRolloutRequest(options, id);
  assertApproved(request);
  const parsed = rolloutPayload.safeParse(request.payload);
  if (!parsed.success) throw new StrataError('BAD_USAGE', `Request #${id}'s rollout options cannot be read (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); make a new request`);
  const payload = parsed.data;
  const names = (await fleetTargets(fleet)).map((t) => t.name);
  let current: PlanItem[];
  try {
    current = rolloutRequestPlan(project, payload.to, names);
  } catch (error) {
    // The change set `to` names left the project: the plan is the head's, which differs.
    if (!isStrataError(error, 'NOT_FOUND')) throw error;
    current = [...planItems(project.changeSets, 'apply'), targetsItem(names)];
  }
  const approval = `request #${id} by ${request.requestedBy}, approved by ${request.decidedBy ?? '(not approved)'}`;
  const label = executorLabel(principal.username, id);
  const difference = planDifference(request.plan, current);
  if (difference) {
    // The claim records the difference and fails the request for good; the refusal says it in the fleet's words.
    try {
      await withConsole(config, (sql) => claimRequest(sql, id, { by: principal.username, currentPlan: current, executor: label }));
    } catch (error) {
      if (!isStrataError(error, 'PLAN_CHANGED')) throw error;
    }
    const why = targetChange(payload.targets, names) ?? `the project changed since it was approved: ${difference}`;
    throw new StrataError('PLAN_CHANGED', `Request #${id} no longer matches the fleet or the project: ${why}. Nothing was started; the request cannot run: make a new one.`, { id, difference });
  }
  const waves = parseWaves(payload.waves);
  const sizes = assignWaves(waves, names.length);
  return audited(
    config,
    principal,
    { action: 'rollout', environment: fleet.name, target: `request #${id}`, intent: `${approval}: waves ${payload.waves}, concurrency ${payload.concurrency}, max failures ${payload.maxFailures}${payload.to ? `, to ${payload.to}` : ''}` },
    () =>
      withConsole(config, async (sql) => {
        try {
          return await sql.begin(async (tx) => {
            const asSql = tx as unknown as Sql;
            await claimRequest(asSql, id, { by: principal.username, currentPlan: current, executor: label });
            const rollout = await insertRollout(tx, {
              fleet: fleet.name,
              fleetFile: null,
              projectDir: project.dir,
              toTag: payload.to,
              waves,
              concurrency: payload.concurrency,
              maxFailures: payload.maxFailures,
              actor: principal.username,
              driver,
              request: id,
              targets: names.map((name, i) => ({ name, wave: sizes[i]! })),
            });
            const executed = await finishRequest(asSql, id, { status: 'executed', result: { rollout: rollout.id, fleet: fleet.name, targets: names.length } });
            return { rollout, request: executed };
          });
        } catch (error) {
          throw await openRolloutRefusal(sql, fleet.name, error);
        }
      }),
    (r) => ({ outcome: 'ok', detail: `rollout ${r.rollout.id} started: ${names.length} targets; ${approval}`.slice(0, 500) }),
  );
}
