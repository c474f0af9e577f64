import fs from 'node:fs';
import { z } from 'zod';
import type { Project } from '../changesets/project';
import { findEnvironment, type StrataConfig } from '../config/environments';
import { executeChange, findRequest } from '../console/change-requests';
import { StrataError } from '../errors';
import type { RunResult } from '../migrate/apply';
import type { PlanItem } from '../migrate/plan';
import { cliPrincipal } from './cli-audit';
import type { Target } from './targets';

/**
 * The CLI's side of "nobody changes production alone" and "what is reviewed is what runs":
 * on a protected environment apply and rollback execute only an approved request, claimed
 * exactly as the console claims it; elsewhere `--expect-plan` pins a run to the output of
 * `plan --json` that someone reviewed.
 */

/** Executes approved request --request N on the protected target, as the console does. */
export async function runApprovedRequest(
  options: { actor?: string; request?: string; to?: string; steps?: string; all?: boolean; expectPlan?: string },
  target: Target,
  project: Project,
  config: StrataConfig,
  direction: 'apply' | 'rollback',
): Promise<RunResult> {
  if (target.name === null) throw new StrataError('BAD_USAGE', '--request needs --env: requests belong to configured environments');
  if (target.protection !== 'protected') {
    throw new StrataError('BAD_USAGE', `${target.name} is ${target.protection}: requests are for protected environments; ${direction} it directly`);
  }
  if (options.request === undefined) {
    throw new StrataError(
      'PROTECTED',
      `${target.name} is protected: ${direction} runs only an approved request. File one in the console (Request: …), have another admin approve it, then run: strata ${direction} --env ${target.name} --request N --confirm ${target.name}`,
      { environment: target.name },
    );
  }
  const id = Number(options.request);
  if (!Number.isSafeInteger(id) || id < 1) throw new StrataError('BAD_USAGE', `--request takes a request number (got "${options.request}")`);
  if (options.to !== undefined || options.steps !== undefined || options.all || options.expectPlan !== undefined) {
    throw new StrataError('BAD_USAGE', '--request runs the approved plan as it is: give no --to, --steps, --all or --expect-plan with it');
  }
  const request = await findRequest({ config }, id);
  if (request.environment !== target.name) throw new StrataError('BAD_USAGE', `Request #${id} is for ${request.environment}, not ${target.name}`);
  if (request.kind !== 'change') throw new StrataError('BAD_USAGE', `Request #${id} is a ${request.kind} request: execute it in the console (/approvals)`);
  if (request.direction !== direction) throw new StrataError('BAD_USAGE', `Request #${id} is a ${request.direction}: run it with strata ${request.direction}`);
  return executeChange({ config, environment: findEnvironment(config, target.name), project }, request, cliPrincipal(options));
}

/**
 * Resolve and baseline change what Strata believes is applied without running anything, and
 * two-person approval covers apply and rollback only: on a protected environment they are
 * refused. (Whoever holds the database URL can still act on it directly, with --database-url;
 * that is recorded in the target's own history as a CLI actor.)
 */
export function refuseOnProtected(target: Target, action: 'resolve' | 'baseline' | 'backup restore' | 'skip' | 'unskip'): void {
  if (target.protection !== 'protected' || target.name === null) return;
  throw new StrataError(
    'PROTECTED',
    `${target.name} is protected: ${action} is not available there, because no second person approves it. Only approved requests change a protected environment.`,
    { environment: target.name },
  );
}

const planFile = z.object({
  direction: z.enum(['apply', 'rollback']),
  failed: z.unknown().optional(),
  changeSets: z.array(z.object({ tag: z.string().min(1), checksum: z.string().min(1) }).passthrough()),
});

/** The reviewed plan in a `plan --json` output file, for a run in `direction`; undefined without --expect-plan. */
export function reviewedPlan(file: string | undefined, direction: 'apply' | 'rollback'): PlanItem[] | undefined {
  if (file === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StrataError('BAD_USAGE', `--expect-plan ${file}: not a readable JSON file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = planFile.safeParse(raw);
  if (!parsed.success) throw new StrataError('BAD_USAGE', `--expect-plan ${file}: not the output of \`strata plan --json\` (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  if (parsed.data.direction !== direction) throw new StrataError('BAD_USAGE', `--expect-plan ${file} is a plan to ${parsed.data.direction}, not to ${direction}`);
  if (parsed.data.failed) throw new StrataError('BAD_USAGE', `--expect-plan ${file}: that plan fails in its dry run; fix it and plan again`);
  return parsed.data.changeSets.map((c) => ({ tag: c.tag, checksum: c.checksum }));
}
