import type { StrataConfig } from '../config/environments';
import { failureReason } from '../db/client';
import { engineLogger } from '../observability/logger';
import { recordAudit } from './audited';

/**
 * Refusals are audited too (401, 403, a missing confirmation, a cross-site request, an
 * approval rule): one `denied` entry naming who asked (or `(anonymous)`), from where, and
 * why. Anyone can provoke refusals, so they are rate-limited per caller and source: past
 * REFUSALS_PER_MINUTE (STRATA_REFUSALS_PER_MINUTE) in a minute the rest are counted, and the count is written with the
 * next entry that gets through, so a flood cannot grow the audit trail without bound nor
 * hide that it happened.
 */
export interface Refusal {
  /** The signed-in user, `(anonymous)`, or a CLI actor. */
  actor: string;
  /** Their role, or `-` when nobody is signed in. */
  role: string;
  /** What was attempted, e.g. `apply`, `POST /api/users/vera`. */
  action: string;
  environment?: string | null;
  target?: string | null;
  /** Why it was refused (the message the caller got). */
  detail: string;
  /** Where it came from: the client address (never a secret). */
  source?: string | null;
}

export const REFUSALS_PER_MINUTE = 20;

/** STRATA_REFUSALS_PER_MINUTE, or 20: a deployment that expects bursts of refusals (a door-attack suite) may raise it. */
function refusalsPerMinute(): number {
  const n = Number(process.env.STRATA_REFUSALS_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : REFUSALS_PER_MINUTE;
}

interface Window {
  startedAt: number;
  written: number;
  suppressed: number;
}

const windowsKey = Symbol.for('strata.refusal-windows');
function windows(): Map<string, Window> {
  const g = globalThis as unknown as Record<symbol, Map<string, Window> | undefined>;
  g[windowsKey] ??= new Map();
  return g[windowsKey]!;
}

/** Whether this refusal gets its own entry, and how many were suppressed before it. */
function admit(key: string, now: number): { write: boolean; suppressed: number } {
  const all = windows();
  let window = all.get(key);
  if (!window || now - window.startedAt >= 60_000) {
    const carried = window?.suppressed ?? 0;
    window = { startedAt: now, written: 0, suppressed: 0 };
    all.set(key, window);
    window.written = 1;
    // Old windows are dropped as they are replaced; a sweep keeps the map from growing with one-off callers.
    if (all.size > 10_000) for (const [k, w] of all) if (now - w.startedAt >= 60_000) all.delete(k);
    return { write: true, suppressed: carried };
  }
  if (window.written < refusalsPerMinute()) {
    window.written += 1;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return { write: true, suppressed };
  }
  window.suppressed += 1;
  return { write: false, suppressed: 0 };
}

/** Records a refusal (rate-limited). Never throws: the refusal stands whether or not it could be recorded. */
export async function auditRefusal(config: StrataConfig, refusal: Refusal): Promise<void> {
  const key = `${refusal.actor}|${refusal.source ?? ''}`;
  const { write, suppressed } = admit(key, Date.now());
  if (!write) return;
  const detail = [refusal.detail, refusal.source ? `from ${refusal.source}` : null, suppressed ? `(+${suppressed} similar refusals not recorded one by one)` : null]
    .filter(Boolean)
    .join(' ');
  try {
    await recordAudit(config, {
      actor: refusal.actor,
      role: refusal.role,
      action: refusal.action,
      environment: refusal.environment ?? null,
      target: refusal.target ?? null,
      outcome: 'denied',
      detail,
    });
  } catch (error) {
    engineLogger().error({ action: refusal.action, actor: refusal.actor, error: failureReason(error) }, 'could not record a refusal in the audit trail');
  }
}

/** Test support: forget the rate-limit windows. */
export function resetRefusalWindows(): void {
  windows().clear();
}
