import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ChangeSet, Project } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { connect, describePgError } from '../db/client';
import { introspectUrl } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { applyChangeSets } from '../migrate/apply';
import { resolveChangeSet } from '../migrate/bookkeeping-ops';
import { rollbackChangeSets } from '../migrate/rollback';
import type { RunContext } from '../migrate/run-context';
import { withShadowDatabase } from '../migrate/shadow-database';
import { userSearchPath } from '../migrate/user-search-path';
import { isStrataError } from '../errors';
import { createLogger, type Logger } from '../observability/logger';
import { routineDifferences, readRoutines } from './routines';
import { schemaDifferences } from './schema-differences';
import type { ChangeSetVerification, VerifyProgress, VerifyReport, VerifyStep, VerifyVerdict } from './types';

/** A forward file whose header says this may be run again over itself without effect. */
export const IDEMPOTENT_DIRECTIVE = '-- strata:idempotent';

export interface VerifyOptions {
  logger?: Logger;
  /** Verify only these change sets (tags); the earlier ones are still applied first, unverified. */
  tags?: string[];
  onProgress?: (event: VerifyProgress) => void;
}

const VERDICTS: VerifyVerdict[] = ['ok', 'apply-failed', 'no-rollback', 'rollback-failed', 'rollback-mismatch', 'reapply-failed', 'reapply-mismatch', 'not-idempotent', 'not-run'];

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

/**
 * Round-trips every change set of a project on one shadow database on `serverUrl` (always
 * dropped afterwards), in journal order: apply, roll back and compare with the schema
 * before, apply again and compare with the first apply, and apply over itself when it
 * claims to be idempotent (schemas, tables, columns, keys, indexes, enums, views, functions
 * and triggers). The shadow then holds the change set, and the next one starts from there.
 * A rollback or re-apply that fails is settled as applied so the rest of the history is
 * still verified (like a keep-going replay); a forward apply that fails ends the run, since
 * nothing after it can apply.
 */
export async function verifyProject(serverUrl: string, project: Project, options: VerifyOptions = {}): Promise<VerifyReport> {
  const t0 = performance.now();
  const logger = options.logger ?? createLogger(fs.createWriteStream('/dev/null'));
  const wanted = options.tags ? new Set(options.tags) : null;
  let shadowDatabase = '';
  const results = await withShadowDatabase(
    serverUrl,
    project,
    logger,
    async (url) => {
      shadowDatabase = decodeURIComponent(new URL(url).pathname.slice(1));
      const ctx: RunContext = { url, environment: null, actor: 'strata-verify', logger };
      const out: ChangeSetVerification[] = [];
      let stopped = false;
      for (const [position, changeSet] of project.changeSets.entries()) {
        const verify = wanted === null || wanted.has(changeSet.tag);
        let result: ChangeSetVerification;
        if (stopped) result = notRun(changeSet);
        else if (!verify) {
          const applied = await applyChangeSets(ctx, project, { to: changeSet.tag });
          stopped = applied.failed !== null;
          continue;
        } else {
          result = await roundTrip(ctx, project, changeSet);
          // After a failed forward apply the shadow lacks what every later change set builds on.
          stopped = result.verdict === 'apply-failed';
        }
        out.push(result);
        options.onProgress?.({ type: 'verify-changeset', tag: changeSet.tag, position, total: project.changeSets.length, verdict: result.verdict });
      }
      return out;
    },
    { changeSets: [] },
  );
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, results.filter((r) => r.verdict === v).length])) as Record<VerifyVerdict, number>;
  return { dir: project.dir, shadowDatabase, changeSets: results, ok: results.every((r) => r.verdict === 'ok'), counts, durationMs: Math.round(performance.now() - t0) };
}

function notRun(changeSet: ChangeSet): ChangeSetVerification {
  return { tag: changeSet.tag, version: changeSet.version, verdict: 'not-run', claimsIdempotent: claimsIdempotent(changeSet), steps: [] };
}

/** Times a step; `run` returns what went wrong (null when nothing did). */
async function step(name: VerifyStep['step'], run: () => Promise<Pick<VerifyStep, 'detail' | 'differences'> | null>): Promise<VerifyStep> {
  const t0 = performance.now();
  // A file that does not parse, or a target-state refusal, is this step's failure, not the run's.
  const problem = await run().catch((error: unknown) => failure(error instanceof Error ? error.message : String(error)));
  return { step: name, ok: problem === null, durationMs: Math.round(performance.now() - t0), ...(problem ?? {}) };
}

const failure = (message: string | undefined) => ({ detail: message ?? 'failed' });

async function roundTrip(ctx: RunContext, project: Project, changeSet: ChangeSet): Promise<ChangeSetVerification> {
  const steps: VerifyStep[] = [];
  const done = (verdict: VerifyVerdict): ChangeSetVerification => ({ tag: changeSet.tag, version: changeSet.version, verdict, claimsIdempotent: claimsIdempotent(changeSet), steps });
  const before = await snapshot(ctx.url);

  const apply = await step('apply', async () => {
    const run = await applyChangeSets(ctx, project, { to: changeSet.tag });
    return run.failed ? failure(run.failed.error?.message) : null;
  });
  steps.push(apply);
  if (!apply.ok) return done('apply-failed');
  const first = await snapshot(ctx.url);
  if (!changeSet.rollback) return done('no-rollback');

  let verdict: VerifyVerdict | null = null;
  const rollback = await step('rollback', async () => {
    const run = await rollbackChangeSets(ctx, project, { steps: 1, backup: false });
    return run.failed ? failure(run.failed.error?.message) : null;
  });
  steps.push(rollback);
  if (!rollback.ok) {
    // Its transaction undid the rollback (unless the file runs outside one): settle the failure
    // as applied so the rest of the history can still be verified from here.
    await settleAsApplied(ctx, project, changeSet, 'verify: the rollback failed; its transaction left the change set applied');
    return done('rollback-failed');
  }
  const compareBefore = await step('compare-before', async () => differencesOrNull(before, await snapshot(ctx.url), { extra: 'is still there after the rollback', missing: 'is missing after the rollback (it existed before the apply)' }));
  steps.push(compareBefore);
  if (!compareBefore.ok) verdict = 'rollback-mismatch';

  const reapply = await step('reapply', async () => {
    const run = await applyChangeSets(ctx, project, { to: changeSet.tag });
    return run.failed ? failure(run.failed.error?.message) : null;
  });
  steps.push(reapply);
  if (!reapply.ok) {
    // What the rollback left behind is what the re-apply tripped over, so the shadow is as
    // applied as it gets: settle it and go on, so one bad rollback does not hide the rest.
    await settleAsApplied(ctx, project, changeSet, 'verify: the re-apply failed over what the rollback left behind');
    return done(verdict ?? 'reapply-failed');
  }
  const compareFirst = await step('compare-first', async () => differencesOrNull(first, await snapshot(ctx.url), { extra: 'appears only after the re-apply', missing: 'is missing after the re-apply' }));
  steps.push(compareFirst);
  if (!compareFirst.ok) verdict ??= 'reapply-mismatch';

  if (claimsIdempotent(changeSet)) {
    const again = await step('idempotent', async () => {
      const problem = await runForwardAgain(ctx.url, changeSet);
      return problem ?? differencesOrNull(first, await snapshot(ctx.url), { extra: 'appears after applying it over itself', missing: 'is missing after applying it over itself' });
    });
    steps.push(again);
    if (!again.ok) verdict ??= 'not-idempotent';
  }
  return done(verdict ?? 'ok');
}

/** What a step is judged on: the SchemaModel, plus functions and triggers. */
interface Snapshot {
  model: SchemaModel;
  routines: Map<string, string>;
}

async function snapshot(url: string): Promise<Snapshot> {
  const [model, routines] = await Promise.all([introspectUrl(url), readRoutines(url)]);
  return { model, routines };
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

function differencesOrNull(expected: Snapshot, actual: Snapshot, when: { extra: string; missing: string }): { differences: string[] } | null {
  const differences = [...schemaDifferences(expected.model, actual.model, when), ...routineDifferences(expected.routines, actual.routines, when)];
  return differences.length ? { differences } : null;
}

/**
 * Runs the forward statements once more, outside Strata's bookkeeping (the history already
 * says applied): in one transaction, or one by one for a `-- strata:no-transaction` file.
 * Returns PostgreSQL's message when a statement fails.
 */
async function runForwardAgain(url: string, changeSet: ChangeSet): Promise<{ detail: string } | null> {
  const statements = await splitStatements(changeSet.forward);
  const sql = connect(url, { max: 1, applicationName: 'strata:verify' });
  const conn = await sql.reserve();
  try {
    // The same search_path the real run gives the change set (never Strata's own schema).
    await conn.unsafe(`set search_path = ${await userSearchPath(conn)}`);
    if (!changeSet.forward.noTransaction) await conn.unsafe('begin');
    for (const s of statements) await conn.unsafe(s.sql);
    if (!changeSet.forward.noTransaction) await conn.unsafe('commit');
    return null;
  } catch (error) {
    return { detail: `running it again failed: ${describePgError(error)}` };
  } finally {
    conn.release();
    await sql.end({ timeout: 5 });
  }
}
