import { withoutBackups } from '../backup/backups';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { findChangeSet, type ChangeSet, type Project } from '../changesets/project';
import { applyChangeSets } from '../migrate/apply';
import type { RunContext } from '../migrate/run-context';
import { withShadowDatabase } from '../migrate/shadow-database';
import { createLogger, type Logger } from '../observability/logger';
import { claimsIdempotent, differencesOrNull, roundTrip, snapshot, type Snapshot } from './change-set-round-trip';
import type { ChangeSetVerification, VerifyProgress, VerifyReport, VerifyVerdict } from './types';

export { claimsIdempotent, IDEMPOTENT_DIRECTIVE } from './change-set-round-trip';

export interface VerifyOptions {
  logger?: Logger;
  /** Verify only these change sets (tags, versions or tag prefixes); the earlier ones are still applied first, unverified. */
  tags?: string[];
  onProgress?: (event: VerifyProgress) => void;
}

const VERDICTS: VerifyVerdict[] = ['ok', 'apply-failed', 'no-rollback', 'rollback-failed', 'rollback-mismatch', 'reapply-failed', 'reapply-mismatch', 'not-idempotent', 'not-run'];

/** Where a shadow session ended: the first change set it did not deal with, and why it stopped for good (if it did). */
interface SessionEnd {
  next: number;
  stop: string | null;
}

/**
 * Round-trips every change set of a project on a shadow database on `serverUrl`, in journal
 * order (see roundTrip for the steps). After each change set the shadow must hold what a
 * plain apply of the history up to it holds, so the next one is judged on its own: when a
 * change set leaves the shadow otherwise (a rollback that left an index, then a re-apply that
 * failed over it), the shadow is dropped and a fresh one is built by applying everything up
 * to it forward only. A forward apply that fails ends the run: nothing after it can apply.
 * Every shadow is dropped, whatever happens.
 */
export async function verifyProject(serverUrl: string, project: Project, options: VerifyOptions = {}): Promise<VerifyReport> {
  const t0 = performance.now();
  const logger = options.logger ?? createLogger(fs.createWriteStream('/dev/null'));
  const all = project.changeSets;
  // A tag that names nothing is an error, not a vacuous pass (findChangeSet also takes a version or prefix).
  const tags = options.tags?.map((tag) => findChangeSet(project, tag).tag);
  const wanted = (changeSet: ChangeSet) => !tags || tags.includes(changeSet.tag);
  const results: ChangeSetVerification[] = [];
  const shadowDatabases: string[] = [];
  const record = (result: ChangeSetVerification, position: number) => {
    results.push(result);
    options.onProgress?.({ type: 'verify-changeset', tag: result.tag, position, total: all.length, verdict: result.verdict });
  };

  let end: SessionEnd = { next: 0, stop: null };
  // No shadow for a tail that holds nothing to verify (with `tags`).
  while (end.stop === null && all.slice(end.next).some(wanted)) {
    const from = end.next;
    let started = false;
    try {
      end = await withShadowDatabase(
        serverUrl,
        project,
        logger,
        (url) => {
          started = true;
          shadowDatabases.push(decodeURIComponent(new URL(url).pathname.slice(1)));
          // The shadow is scratch: its runs copy nothing.
          return session(withoutBackups({ url, environment: null, actor: 'strata-verify', logger }), project, from, wanted, record);
        },
        { changeSets: all.slice(0, from) },
      );
    } catch (error) {
      // The first shadow not even made (server unreachable, no CREATEDB) is the command's error.
      if (started || from === 0) throw error;
      // Rebuilding from scratch failed where the first pass applied: say so rather than guess.
      end = { next: from, stop: `a fresh shadow with everything up to ${all[from - 1]?.tag} applied could not be built: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  for (const [position, changeSet] of all.entries()) {
    if (position < end.next || !wanted(changeSet)) continue;
    record({ tag: changeSet.tag, version: changeSet.version, verdict: 'not-run', claimsIdempotent: claimsIdempotent(changeSet), steps: [], notRunBecause: end.stop ?? 'not reached' }, position);
  }
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, results.filter((r) => r.verdict === v).length])) as Record<VerifyVerdict, number>;
  return { dir: project.dir, shadowDatabases, changeSets: results, ok: results.every((r) => r.verdict === 'ok'), counts, durationMs: Math.round(performance.now() - t0) };
}

/** Verifies change sets from position `from` on one shadow that holds everything before it. */
async function session(
  ctx: RunContext,
  project: Project,
  from: number,
  wanted: (changeSet: ChangeSet) => boolean,
  record: (result: ChangeSetVerification, position: number) => void,
): Promise<SessionEnd> {
  const all = project.changeSets;
  // The shadow's schema when a snapshot of it is at hand: the next change set's "before".
  let known: Snapshot | null = null;
  for (let position = from; position < all.length; position++) {
    const changeSet = all[position]!;
    if (!wanted(changeSet)) {
      known = null;
      const applied = await applyChangeSets(ctx, project, { to: changeSet.tag });
      if (applied.failed) return { next: position + 1, stop: `${changeSet.tag} (applied unverified, to reach the change sets asked for) failed: ${applied.failed.error?.message}` };
      continue;
    }
    const { result, first, current } = await roundTrip(ctx, project, changeSet, known);
    if (result.verdict === 'apply-failed' || first === null) {
      record(result, position);
      return { next: position + 1, stop: `${changeSet.tag} failed to apply, and everything after it builds on it` };
    }
    // The next change set must start from what a plain apply leaves. A change set that
    // round-tripped ends with a snapshot equal to `first`; after a failed step, look again.
    known = current ?? (await snapshot(ctx.url));
    if (differencesOrNull(first, known, { extra: '', missing: '' }) !== null && position + 1 < all.length) {
      record({ ...result, shadowRebuilt: true }, position);
      return { next: position + 1, stop: null };
    }
    record(result, position);
  }
  return { next: all.length, stop: null };
}
