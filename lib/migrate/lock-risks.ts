import type { RiskFlag } from '../diff/types';
import type { ExecutedChangeSet } from './dry-run-types';

/** Held this long, an ACCESS EXCLUSIVE lock is an outage people notice. */
const LONG_LOCK_MS = 1_000;

/**
 * One risk per change set and relation on which a statement took ACCESS EXCLUSIVE (every
 * read and write of it waits), with the longest time the real run would hold it.
 */
export function lockRisks(changeSets: ExecutedChangeSet[]): RiskFlag[] {
  const risks: RiskFlag[] = [];
  for (const changeSet of changeSets) {
    const longest = new Map<string, { heldMs: number; statement: number }>();
    for (const statement of changeSet.statements) {
      for (const lock of statement.locks) {
        if (lock.mode !== 'AccessExclusiveLock') continue;
        const seen = longest.get(lock.relation);
        if (!seen || lock.heldMs > seen.heldMs) longest.set(lock.relation, { heldMs: lock.heldMs, statement: statement.index });
      }
    }
    for (const [relation, { heldMs, statement }] of longest) {
      risks.push({
        kind: 'access_exclusive_lock',
        severity: heldMs >= LONG_LOCK_MS ? 'high' : 'medium',
        table: relation,
        message: `${changeSet.tag} (statement ${statement + 1}) takes ACCESS EXCLUSIVE on ${relation}: reads and writes wait about ${formatMs(heldMs)}, until its change set commits`,
      });
    }
  }
  return risks;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

/** Highest severity first; stable otherwise. */
export function bySeverity(risks: RiskFlag[]): RiskFlag[] {
  return [...risks].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.max(1, Math.round(ms))} ms`;
}
