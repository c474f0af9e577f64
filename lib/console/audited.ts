import { performance } from 'node:perf_hooks';
import { appendAudit, type NewAuditEntry } from '../auth/audit';
import { withConsole } from '../auth/console-db';
import type { AuditEntry, AuditOutcome, Principal } from '../auth/types';
import { consoleSecrets } from '../config/console-secrets';
import type { StrataConfig } from '../config/environments';
import { isStrataError, StrataError } from '../errors';

export interface AuditMeta {
  action: string;
  environment?: string | null;
  target?: string | null;
  /** What is about to happen, for the intent entry (e.g. the change sets and the reason). */
  intent?: string | null;
}

/** What a finished operation says about itself for its audit entry. */
export interface AuditVerdict {
  outcome: AuditOutcome;
  target?: string | null;
  detail?: string | null;
}

/** Refusals: the caller was not allowed, or did not confirm. */
export const DENIED_CODES = ['FORBIDDEN', 'UNAUTHENTICATED', 'CONFIRMATION_REQUIRED', 'PROTECTED', 'CROSS_SITE'] as const;

export function isDenial(error: unknown): boolean {
  return isStrataError(error) && (DENIED_CODES as readonly string[]).includes(error.code);
}

const RECORDED = Symbol.for('strata.audit-recorded');

/** Whether an error's refusal or failure is already in the audit trail (doors must not record it twice). */
export function alreadyAudited(error: unknown): boolean {
  return Boolean(error && typeof error === 'object' && (error as Record<symbol, unknown>)[RECORDED]);
}

function markAudited(error: unknown): void {
  if (error && typeof error === 'object') (error as Record<symbol, unknown>)[RECORDED] = true;
}

/** The one way an entry reaches the audit trail: the console database, the key, and the head kept outside it. */
export async function recordAudit(config: StrataConfig, entry: NewAuditEntry): Promise<AuditEntry> {
  const { auditKey } = consoleSecrets(config);
  return withConsole(config, (sql) => appendAudit(sql, auditKey, entry, config.auditHeadFile));
}

/**
 * Runs one operation between two audit entries: the intent (`started`: who, what, where)
 * is written BEFORE the work — if it cannot be written, the work does not start and
 * nothing changes — and the outcome (ok, failed or denied, with the duration) after,
 * naming the intent. A crash in between leaves an intent without an outcome, which the
 * audit page shows.
 */
export async function audited<T>(
  config: StrataConfig,
  principal: Principal,
  meta: AuditMeta,
  work: () => Promise<T>,
  verdict: (result: T) => AuditVerdict = () => ({ outcome: 'ok' }),
): Promise<T> {
  const who = { actor: principal.username, role: principal.via === 'cli' ? 'cli' : principal.role, action: meta.action, environment: meta.environment ?? null };
  let intent: AuditEntry;
  try {
    intent = await recordAudit(config, { ...who, target: meta.target ?? null, outcome: 'started', detail: meta.intent ?? null });
  } catch (error) {
    throw new StrataError(
      'AUDIT_UNAVAILABLE',
      `Nothing was done: the audit trail could not record the intent to ${meta.action}${meta.environment ? ` on ${meta.environment}` : ''} (${isStrataError(error) ? error.message : 'the console database did not answer'}).`,
    );
  }
  const t0 = performance.now();
  const record = (v: AuditVerdict) =>
    recordAudit(config, {
      ...who,
      target: v.target ?? meta.target ?? null,
      outcome: v.outcome,
      durationMs: Math.round(performance.now() - t0),
      detail: v.detail ?? null,
      intentId: intent.id,
    });
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await record({ outcome: isDenial(error) ? 'denied' : 'failed', detail: isStrataError(error) ? `${error.code}: ${error.message}`.slice(0, 500) : 'unexpected error' });
    markAudited(error);
    throw error;
  }
  await record(verdict(result));
  return result;
}
