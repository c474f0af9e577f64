import 'server-only';
import { executeRolloutRequestSchema, rolloutRequestSchema, rolloutStartSchema, rolloutStepSchema } from '@/lib/console/api-schemas';
import type { ChangeRequest } from '@/lib/auth/types';
import { executeRolloutRequest, fileRolloutRequest } from '@/lib/console/rollout-requests';
import { startFleetRollout, steerFleetRollout, type RolloutStep, type Steered } from '@/lib/console/fleet-rollout-control';
import { fleetContext } from '@/lib/console/fleets';
import { StrataError } from '@/lib/errors';
import { isRefused, parsed } from './door-input';
import { enterDoor, refusedResponse, type Door, type Refused } from './guard';
import { readJson } from './read-json';

/**
 * A fleet's rollout from a door, shared by the server actions of the fleet page and the
 * route handlers of the HTTP API, so both refuse and act alike: the role first (who may
 * not learns nothing more), then the input, the fleet from configuration, then the work.
 */
export type SteerAnswer = ({ ok: true } & Steered) | Refused;

/** A rollout's or request's id from a URL or a form: a positive whole number, else NOT_FOUND (`missing` and the text, cut short). */
function idOf(idText: string | number, missing: string): number {
  const id = Number(idText);
  if (!/^\d+$/.test(String(idText)) || !Number.isSafeInteger(id) || id < 1) throw new StrataError('NOT_FOUND', `${missing} ${String(idText).slice(0, 40)}`);
  return id;
}

export async function openRolloutStart(door: Door, fleetName: string, input: unknown): Promise<SteerAnswer> {
  const early = await door.check('rollout', { environment: fleetName });
  if (early) return early;
  const body = parsed(rolloutStartSchema, input);
  if (isRefused(body)) return body;
  try {
    const options = fleetContext(fleetName, door.principal.username);
    return { ok: true, ...(await startFleetRollout(options, body, door.principal)) };
  } catch (error) {
    return door.refusal(error, fleetName);
  }
}

export async function openRolloutStep(door: Door, fleetName: string, idText: string | number, step: RolloutStep): Promise<SteerAnswer> {
  const early = await door.check('rollout', { environment: fleetName });
  if (early) return early;
  try {
    const id = idOf(idText, `Fleet "${fleetName}" has no rollout`);
    const options = fleetContext(fleetName, door.principal.username);
    // A protected fleet's rollout runs what two people approved: steering it is for admins.
    const refused = await door.check('rollout', { protection: options.fleet.protection, environment: fleetName });
    if (refused) return refused;
    return { ok: true, ...(await steerFleetRollout(options, id, step, door.principal)) };
  } catch (error) {
    return door.refusal(error, fleetName);
  }
}

export type FiledAnswer = { ok: true; request: ChangeRequest; representative: { name: string; like: number; of: number; why: string } } | Refused;

/**
 * File a protected fleet's rollout request. The role first (operators may file requests), then
 * the input, the fleet from configuration (unknown: 404; not protected: refused by the guard,
 * which says to start it directly), then the dry run and the request (rollout-requests.ts).
 */
export async function openRolloutRequest(door: Door, fleetName: string, input: unknown): Promise<FiledAnswer> {
  const early = await door.check('request.create', { protection: 'protected' });
  if (early) return early;
  const body = parsed(rolloutRequestSchema, input);
  if (isRefused(body)) return body;
  try {
    const options = fleetContext(fleetName, door.principal.username);
    const refused = await door.check('request.create', { protection: options.fleet.protection, environment: fleetName });
    if (refused) return refused;
    const { request, dryRun } = await fileRolloutRequest(options, body, door.principal);
    const r = dryRun.representative;
    return { ok: true, request, representative: { name: r.name, like: r.like, of: r.of, why: r.why } };
  } catch (error) {
    return door.refusal(error, fleetName);
  }
}

/** Start the rollout an approved request covers, once, with the fleet's name typed back. */
export async function openRolloutRequestExecution(door: Door, fleetName: string, idText: string | number, input: unknown): Promise<SteerAnswer> {
  const early = await door.check('request.execute', { protection: 'protected' });
  if (early) return early;
  const body = parsed(executeRolloutRequestSchema, input);
  if (isRefused(body)) return body;
  try {
    const id = idOf(idText, `Fleet "${fleetName}" has no rollout request`);
    const options = fleetContext(fleetName, door.principal.username);
    const refused = await door.check('request.execute', { protection: options.fleet.protection, environment: fleetName });
    if (refused) return refused;
    if (body.confirm !== fleetName) throw new StrataError('CONFIRMATION_REQUIRED', `Type “${fleetName}” to confirm; nothing was started.`);
    const { rollout } = await executeRolloutRequest(options, id, door.principal);
    return { ok: true, rollout: { id: rollout.id, fleet: rollout.fleet, state: rollout.state }, note: `request #${id} approved; the console's queue worker runs it` };
  } catch (error) {
    return door.refusal(error, fleetName);
  }
}

/**
 * The route handler of POST /api/fleets/{name}/rollouts/{id}/(pause|resume|retry-failed): one
 * per step, the same door otherwise (404 for an id of another fleet; 409 when its state does
 * not allow the step).
 */
export function rolloutStepRoute(step: RolloutStep) {
  return async function POST(request: Request, { params }: { params: Promise<{ name: string; id: string }> }): Promise<Response> {
    const door = await enterDoor(request);
    if (door instanceof Response) return door;
    const { name, id } = await params;
    const early = await door.authorize('rollout', { environment: name });
    if (early) return early;
    const input = await readJson(request, rolloutStepSchema);
    if (input instanceof Response) return input;
    const answer = await openRolloutStep(door, name, id, step);
    if (!answer.ok) return refusedResponse(answer);
    return Response.json({ rollout: answer.rollout, note: answer.note }, { headers: { 'Cache-Control': 'no-store' } });
  };
}
