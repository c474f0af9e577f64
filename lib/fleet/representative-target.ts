import type { Project } from '../changesets/project';
import { failureReason } from '../db/client';
import { safeMessage } from '../db/safe-message';
import { readTargetStatus } from '../migrate/read-status';
import { placeOf } from '../migrate/target-place';
import { TARGET_CONCURRENCY } from './fleet-overview';
import { forEachLimited } from './limited';
import type { FleetTarget } from './types';

/**
 * A rollout's dry run runs on one target that stands for the fleet: the one whose applied
 * change sets are the most common among the targets (so the dry run meets the schema most
 * targets have), ties broken by name — among the targets the rollout will change (those with
 * change sets pending), since a target already at the head would dry-run nothing; among all
 * when none has anything pending. A target that cannot be read stands for nothing.
 */

/** What one target has applied, in journal order; null when it could not be read. */
export interface TargetApplied {
  name: string;
  applied: string[] | null;
  /** Change sets still pending on it, in journal order (empty when unreadable). */
  pending: string[];
  /** Why it could not be read (no URL). */
  problem?: string;
}

export interface Representative {
  name: string;
  /** How many targets have exactly its applied change sets (itself included). */
  like: number;
  /** Targets it was chosen among: those read with change sets pending (or every target read, when none has). */
  of: number;
  /** Whether it was chosen among the targets with change sets pending. */
  amongPending: boolean;
  /** Targets that could not be read. */
  unreadable: number;
  /** Its applied change sets: the dry run plans from here. */
  applied: string[];
  /** "strata_tenant_001, like 40 of 50 targets". */
  why: string;
}

/**
 * The representative of targets already read; null when none could be read. `upTo`: the tags
 * the rollout runs (up to its `to`), null for all: a target counts as pending when one of them is.
 */
export function chooseRepresentative(targets: readonly TargetApplied[], upTo: ReadonlySet<string> | null = null): Representative | null {
  const readable = targets.filter((t): t is TargetApplied & { applied: string[] } => t.applied !== null);
  if (readable.length === 0) return null;
  const pending = readable.filter((t) => t.pending.some((tag) => !upTo || upTo.has(tag)));
  const amongPending = pending.length > 0;
  const candidates = amongPending ? pending : readable;
  const groups = new Map<string, { members: string[]; applied: string[] }>();
  for (const t of candidates) {
    const key = JSON.stringify(t.applied);
    const group = groups.get(key) ?? { members: [], applied: t.applied };
    group.members.push(t.name);
    groups.set(key, group);
  }
  // The largest group; among equals, the group whose first member comes first by name.
  const first = (g: { members: string[] }) => [...g.members].sort(byName)[0]!;
  const best = [...groups.values()].sort((a, b) => b.members.length - a.members.length || byName(first(a), first(b)))[0]!;
  const name = first(best);
  const unreadable = targets.length - readable.length;
  const why =
    `${name}, like ${best.members.length} of ${candidates.length} target${candidates.length === 1 ? '' : 's'}${amongPending ? ' with change sets pending' : ''}` +
    ` (${best.applied.length} change set${best.applied.length === 1 ? '' : 's'} applied)` +
    (amongPending && pending.length < readable.length ? `; ${readable.length - pending.length} already there` : '') +
    (unreadable ? `; ${unreadable} could not be read` : '');
  return { name, like: best.members.length, of: candidates.length, amongPending, unreadable, applied: best.applied, why };
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads every target's applied change sets from its own history: one connection each (max 1,
 * ended at once), at most TARGET_CONCURRENCY at a time. Unreachable targets are kept, with
 * the reason, so the caller can say how many were left out.
 */
export async function readAppliedSets(targets: readonly FleetTarget[], project: Project): Promise<TargetApplied[]> {
  const found: TargetApplied[] = new Array(targets.length);
  await forEachLimited(targets, TARGET_CONCURRENCY, async (target, i) => {
    try {
      // A tenant schema's history is its own (target-place.ts), not the database's.
      const status = await readTargetStatus(target.url, project, placeOf(target));
      const tags = (state: string) => status.changeSets.filter((c) => c.state === state).map((c) => c.changeSet.tag);
      found[i] = { name: target.name, applied: tags('applied'), pending: tags('pending') };
    } catch (error) {
      found[i] = { name: target.name, applied: null, pending: [], problem: safeMessage(failureReason(error), [target.url]).slice(0, 300) };
    }
  });
  return found;
}
