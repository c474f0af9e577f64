import { performance } from 'node:perf_hooks';
import type { ChangeSet, Project } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { connect, describePgError } from '../db/client';
import { isStrataError } from '../errors';
import { introspectUrl } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { applyChangeSets } from '../migrate/apply';
import { resolveChangeSet } from '../migrate/bookkeeping-ops';
import { executeChangeSet } from '../migrate/change-set-session';
import { rollbackChangeSets } from '../migrate/rollback';
import type { RunContext } from '../migrate/run-context';
import { idempotencyGuards, type IdempotencyGuards } from './idempotency-guards';
import { readRoutines, routineDifferences } from './routines';
import { schemaDifferences } from './schema-differences';
import type { ChangeSetVerification, VerifyStep, VerifyVerdict } from './types';

/** A forward file whose leading comment lines say it may be run again over itself without effect. */
export const IDEMPOTENT_DIRECTIVE = '-- strata:idempotent';

/** True when one of the forward file's leading comment lines is `-- strata:idempotent`. */
export function claimsIdempotent(changeSet: ChangeSet): boolean {
  for (const line of changeSet.forward.text.split('\n')) {
    const text = line.trim();
    if (text === '') continue;
    if (!text.startsWith('--')) return false;
    if (text === IDEMPOTENT_DIRECTIVE) return true;
  }
  return false;
}

/** What a step is judged on: the SchemaModel, plus functions and triggers. */
export interface Snapshot {
  model: SchemaModel;
  routines: Map<string, string>;
}

export async function snapshot(url: string): Promise<Snapshot> {
  const [model, routines] = await Promise.all([introspectUrl(url), readRoutines(url)]);
  return { model, routines };
}

export function differencesOrNull(expected: Snapshot, actual: Snapshot, when: { extra: string; missing: string }): { differences: string[] } | null {
  const differences = [...schemaDifferences(expected.model, actual.model, when), ...routineDifferences(expected.routines, actual.routines, when)];
  return differences.length ? { differences } : null;
}

export interface RoundTripOutcome {
  result: ChangeSetVerification;
  /** The schema right after the first apply (null when it failed): what the shadow should hold now. */
  first: Snapshot | null;
  /** The latest snapshot that still shows the shadow as it is now, or null when a failed step left that unknown. */
  current: Snapshot | null;
}

/**
 * One change set on a shadow that holds everything before it: apply, roll back, compare
 * with the schema before, apply again, compare with the first apply, and apply over itself
 * when it claims to be idempotent. Through Strata's real apply and rollback, so the shadow's
 * history stays valid; a failed rollback or re-apply is settled as applied so the next change
 * set can run (the caller then checks whether the shadow still matches `first`). `known` is
 * the shadow's schema when the caller has a snapshot of it already (a quarter of the
 * introspections on a long history).
 */
export async function roundTrip(ctx: RunContext, project: Project, changeSet: ChangeSet, known: Snapshot | null): Promise<RoundTripOutcome> {
  const steps: VerifyStep[] = [];
  const idempotent = claimsIdempotent(changeSet);
  const guards = idempotent ? await guardsOf(changeSet) : undefined;
  let first: Snapshot | null = null;
  let current: Snapshot | null = null;
  const look = async () => (current = await snapshot(ctx.url));
  const done = (verdict: VerifyVerdict): RoundTripOutcome => ({
    result: { tag: changeSet.tag, version: changeSet.version, verdict, claimsIdempotent: idempotent, ...(guards ? { guards } : {}), steps },
    first,
    current,
  });
  const before = known ?? (await snapshot(ctx.url));

  const apply = await step('apply', () => applyOne(ctx, project, changeSet));
  steps.push(apply);
  if (!apply.ok) return done('apply-failed');
  first = await look();
  if (!changeSet.rollback) return done('no-rollback');

  let verdict: VerifyVerdict | null = null;
  const rollback = await step('rollback', async () => {
    const run = await rollbackChangeSets(ctx, project, { steps: 1 });
    return run.failed ? failure(run.failed.error?.message) : null;
  });
  steps.push(rollback);
  current = null;
  if (!rollback.ok) {
    // Its transaction undid the rollback (a no-transaction file keeps what ran; the caller
    // sees that in its comparison with `first`): settle the failure so the run can go on.
    await settleAsApplied(ctx, project, changeSet, 'verify: the rollback failed; its transaction left the change set applied');
    return done('rollback-failed');
  }
  const compareBefore = await step('compare-before', async () =>
    differencesOrNull(before, await look(), { extra: 'is still there after the rollback', missing: 'is missing after the rollback (it existed before the apply)' }),
  );
  steps.push(compareBefore);
  if (!compareBefore.ok) verdict = 'rollback-mismatch';

  const reapply = await step('reapply', () => applyOne(ctx, project, changeSet));
  steps.push(reapply);
  current = null;
  if (!reapply.ok) {
    // Usually it trips over what the rollback left behind; settle it and let the caller decide
    // from the schema whether the shadow must be rebuilt before the next change set.
    await settleAsApplied(ctx, project, changeSet, 'verify: the re-apply failed over what the rollback left behind');
    return done(verdict ?? 'reapply-failed');
  }
  const firstSchema = first; // non-null, for the closures below
  const compareFirst = await step('compare-first', async () =>
    differencesOrNull(firstSchema, await look(), { extra: 'appears only after the re-apply', missing: 'is missing after the re-apply' }),
  );
  steps.push(compareFirst);
  if (!compareFirst.ok) verdict ??= 'reapply-mismatch';

  if (idempotent) {
    const again = await step('idempotent', async () => {
      current = null;
      const problem = await runForwardAgain(ctx.url, changeSet);
      return problem ?? differencesOrNull(firstSchema, await look(), { extra: 'appears after applying it over itself', missing: 'is missing after applying it over itself' });
    });
    steps.push(again);
    if (!again.ok) verdict ??= 'not-idempotent';
  }
  return done(verdict ?? 'ok');
}

async function applyOne(ctx: RunContext, project: Project, changeSet: ChangeSet) {
  const run = await applyChangeSets(ctx, project, { to: changeSet.tag });
  return run.failed ? failure(run.failed.error?.message) : null;
}

/** Times a step; `run` returns what went wrong (null when nothing did). */
async function step(name: VerifyStep['step'], run: () => Promise<Pick<VerifyStep, 'detail' | 'differences'> | null>): Promise<VerifyStep> {
  const t0 = performance.now();
  // A file that does not parse, or a target-state refusal, is this step's failure, not the run's.
  const problem = await run().catch((error: unknown) => failure(error instanceof Error ? error.message : String(error)));
  return { step: name, ok: problem === null, durationMs: Math.round(performance.now() - t0), ...(problem ?? {}) };
}

const failure = (message: string | undefined) => ({ detail: message ?? 'failed' });

/** A file that does not parse has no statements to read; the apply step reports that. */
async function guardsOf(changeSet: ChangeSet): Promise<IdempotencyGuards | undefined> {
  try {
    return idempotencyGuards(await splitStatements(changeSet.forward));
  } catch {
    return undefined;
  }
}

/**
 * Records a failed run as applied so the next change set can run. A file that did not even
 * parse never started, so there is no failure to settle: the change set is still applied.
 */
async function settleAsApplied(ctx: RunContext, project: Project, changeSet: ChangeSet, reason: string): Promise<void> {
  try {
    await resolveChangeSet(ctx, project, changeSet.tag, 'applied', reason);
  } catch (error) {
    if (!isStrataError(error, 'INVALID_STATE')) throw error;
  }
}

/**
 * Runs the forward statements once more, outside Strata's bookkeeping (the history already
 * says applied), in the session the real run gives them (change-set-session.ts): one
 * transaction, or one by one for a `-- strata:no-transaction` file. Returns PostgreSQL's
 * message when a statement fails.
 */
async function runForwardAgain(url: string, changeSet: ChangeSet): Promise<{ detail: string } | null> {
  const statements = await splitStatements(changeSet.forward);
  const sql = connect(url, { max: 1, applicationName: 'strata:verify' });
  const conn = await sql.reserve();
  try {
    const { failure } = await executeChangeSet(conn, { changeSet, direction: 'up', statements });
    return failure ? { detail: `running it again failed: ${describePgError(failure)}` } : null;
  } finally {
    conn.release();
    await sql.end({ timeout: 5 });
  }
}
