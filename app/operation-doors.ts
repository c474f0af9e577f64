import 'server-only';
import type { z } from 'zod';
import { loadConfig } from '@/lib/config/environments';
import { assertApproved } from '@/lib/auth/requests';
import { findRequest } from '@/lib/console/change-requests';
import { backupIdSchema, executeRequestSchema, operationRequestSchema, rehearsalRequestSchema, restoreRequestSchema, seedRequestSchema } from '@/lib/console/api-schemas';
import { startRestore } from '@/lib/console/environment-backups';
import { operationTarget } from '@/lib/console/environment-operations';
import { operationActions } from '@/lib/console/operation-request';
import type { StartedOperation } from '@/lib/console/operations';
import { startRehearsal } from '@/lib/console/rehearsals';
import { startEnvironmentOperation, startRequestExecution, startSeed } from '@/lib/console/start-operations';
import { StrataError } from '@/lib/errors';
import { isRefused, parsed } from './door-input';
import type { Door, Refused } from './guard';

/**
 * What starting an operation looks like from a door, shared by the server actions the pages
 * call and the route handlers of the HTTP API, so both refuse and start exactly alike:
 * validate the input, resolve the environment, ask the guard for every right the operation
 * needs (each refusal audited), then start it as a recorded operation.
 */
export type Opened = { ok: true; started: StartedOperation<unknown> } | Refused;

/** A dry run, an apply or a rollback on one environment. */
export async function openEnvironmentOperation(door: Door, env: string, input: unknown): Promise<Opened> {
  const request = parsed(operationRequestSchema, input);
  if (isRefused(request)) return request;
  try {
    const target = operationTarget(env);
    const where = { protection: target.environment.protection, environment: target.environment.name };
    for (const action of operationActions(request, target.environment.protection, door.principal)) {
      const refused = await door.check(action, where);
      if (refused) return refused;
    }
    return { ok: true, started: await startEnvironmentOperation(target, request, door.principal) };
  } catch (error) {
    return door.refusal(error, env);
  }
}

/**
 * A rehearsal: the environment's pending plan (or up to `to`) run for real on a scratch copy.
 * It only reads the target, so it needs no confirmation; two may run at once (each its own copy).
 */
export async function openRehearsal(door: Door, env: string, input: unknown): Promise<Opened> {
  const request = parsed(rehearsalRequestSchema, input);
  if (isRefused(request)) return request;
  try {
    const target = operationTarget(env);
    const refused = await door.check('rehearse', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    return { ok: true, started: await startRehearsal(target, request, door.principal) };
  } catch (error) {
    return door.refusal(error, env);
  }
}

/** Seed, or reset and seed, an environment that allows it (open ones only, whoever asks) — or one table of it. */
export async function openSeed(door: Door, env: string, input: unknown): Promise<Opened> {
  const options = parsed(seedRequestSchema, input);
  if (isRefused(options)) return options;
  try {
    const target = operationTarget(env);
    const refused = await door.check(options.reset ? 'reset' : 'seed', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    if (options.confirm !== target.environment.name) {
      throw new StrataError('CONFIRMATION_REQUIRED', `This request does not name ${target.environment.name} as its target; nothing was changed.`);
    }
    return { ok: true, started: await startSeed(target, { reset: options.reset, table: options.table, alsoEmpties: options.alsoEmpties }, door.principal) };
  } catch (error) {
    return door.refusal(error, env);
  }
}

/** Execute an approved request, once: its environment's name typed back. */
export async function openRequestExecution(door: Door, id: number, input: unknown): Promise<Opened> {
  // Requests exist only on protected environments: the role is checked before the request is even looked up.
  const early = await door.check('request.execute', { protection: 'protected' });
  if (early) return early;
  const confirmed = parsed(executeRequestSchema, input);
  if (isRefused(confirmed)) return confirmed;
  try {
    if (!Number.isInteger(id) || id < 1) throw new StrataError('NOT_FOUND', 'No such request');
    const changeRequest = await findRequest({ config: loadConfig() }, id);
    if (changeRequest.kind === 'rollout') {
      throw new StrataError('BAD_USAGE', `Request #${id} is a rollout of fleet "${changeRequest.environment}": execute it from the approvals page, POST /api/fleets/{name}/rollout-requests/${id}/execute, or strata rollout --env ${changeRequest.environment} --request ${id}`);
    }
    const target = operationTarget(changeRequest.environment);
    const refused = await door.check('request.execute', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    if (confirmed.confirm !== target.environment.name) {
      throw new StrataError('CONFIRMATION_REQUIRED', `Type “${target.environment.name}” to confirm; nothing was changed.`);
    }
    // Refused before anything is recorded: a request that is not approved starts no operation
    // (the claim under the target's lock still settles two executions at once).
    assertApproved(changeRequest);
    return { ok: true, started: await startRequestExecution(target, changeRequest, door.principal) };
  } catch (error) {
    return door.refusal(error);
  }
}

/**
 * A backup restore, or its dry run, on one environment: the dry run for operators anywhere,
 * the restore where the guard allows it (open and guarded; a protected one through an
 * approved request), with the environment's name typed back.
 */
export async function openRestore(door: Door, env: string, backup: string, input: unknown): Promise<Opened> {
  const request = parsed(restoreRequestSchema, input);
  if (isRefused(request)) return request;
  const id = parsed(backupIdSchema, backup);
  if (isRefused(id)) return id;
  try {
    const target = operationTarget(env);
    const refused = await door.check(request.kind === 'run' ? 'backup.restore' : 'backup.restore.dry-run', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    return { ok: true, started: await startRestore(target, { backup: id, write: request.kind === 'run', confirm: request.confirm }, door.principal) };
  } catch (error) {
    return door.refusal(error, env);
  }
}
