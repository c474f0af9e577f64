'use server';

import type { StartAnswer } from '@/lib/console/start-answer';
import { enterActionDoor, Door } from './guard';
import { openEnvironmentOperation, openRehearsal, openRequestExecution, openRestore, openSeed, type Opened } from './operation-doors';

/**
 * The server actions the pages start operations with: each goes through the same door as
 * the HTTP API (guard, audit, validation) and answers with the recorded operation's id,
 * which the page then follows (/api/operations/{id}). The work goes on whether or not
 * anyone is watching.
 */

function answer(opened: Opened): StartAnswer {
  return opened.ok ? { ok: true, id: opened.started.id } : opened;
}

/** A dry run, an apply or a rollback: the same body as POST /api/environments/{env}/operations. */
export async function startOperationAction(env: string, input: unknown): Promise<StartAnswer> {
  const door = await enterActionDoor('start operation');
  return door instanceof Door ? answer(await openEnvironmentOperation(door, env, input)) : door;
}

/** Rehearse the plan on a scratch copy: the same body as POST /api/environments/{env}/rehearsals. */
export async function startRehearsalAction(env: string, input: unknown): Promise<StartAnswer> {
  const door = await enterActionDoor('rehearse');
  return door instanceof Door ? answer(await openRehearsal(door, env, input)) : door;
}

/** Seed or reset: the same body as POST /api/environments/{env}/seed. */
export async function startSeedAction(env: string, input: unknown): Promise<StartAnswer> {
  const door = await enterActionDoor('seed');
  return door instanceof Door ? answer(await openSeed(door, env, input)) : door;
}

/** Execute an approved request: the same body as POST /api/requests/{id}/execute. */
export async function executeRequestAction(id: number, input: unknown): Promise<StartAnswer> {
  const door = await enterActionDoor('execute request');
  return door instanceof Door ? answer(await openRequestExecution(door, id, input)) : door;
}

/** Restore a backup, or dry-run it: the same body as POST /api/environments/{env}/backups/{id}/restore. */
export async function restoreBackupAction(env: string, backup: string, input: unknown): Promise<StartAnswer> {
  const door = await enterActionDoor('restore backup');
  return door instanceof Door ? answer(await openRestore(door, env, backup, input)) : door;
}
