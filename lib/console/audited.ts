import { performance } from 'node:perf_hooks';
import { appendAudit } from '../auth/audit';
import { withConsole } from '../auth/console-db';
import type { AuditOutcome, Principal } from '../auth/types';
import { consoleSecrets } from '../config/console-secrets';
import type { StrataConfig } from '../config/environments';
import { isStrataError } from '../errors';

export interface AuditMeta {
  action: string;
  environment?: string | null;
  target?: string | null;
}

/** What a finished operation says about itself for its audit entry. */
export interface AuditVerdict {
  outcome: AuditOutcome;
  target?: string | null;
  detail?: string | null;
}

/**
 * Runs one operation and writes its one audit entry (time, actor, role, action,
 * environment, target, outcome, duration) whether it succeeds, fails or is refused. The
 * entry is written after the work, so a console database that is down never blocks
 * a change — but its failure to record is reported, never swallowed.
 */
export async function audited<T>(
  config: StrataConfig,
  principal: Principal,
  meta: AuditMeta,
  work: () => Promise<T>,
  verdict: (result: T) => AuditVerdict = () => ({ outcome: 'ok' }),
): Promise<T> {
  const t0 = performance.now();
  const record = (v: AuditVerdict) =>
    withConsole(config, (sql) =>
      appendAudit(sql, consoleSecrets(config).auditKey, {
        actor: principal.username,
        role: principal.via === 'cli' ? 'cli' : principal.role,
        action: meta.action,
        environment: meta.environment ?? null,
        target: v.target ?? meta.target ?? null,
        outcome: v.outcome,
        durationMs: Math.round(performance.now() - t0),
        detail: v.detail ?? null,
      }),
    );
  let result: T;
  try {
    result = await work();
  } catch (error) {
    const denied = isStrataError(error) && ['FORBIDDEN', 'UNAUTHENTICATED', 'CONFIRMATION_REQUIRED', 'PROTECTED'].includes(error.code);
    await record({ outcome: denied ? 'denied' : 'failed', detail: isStrataError(error) ? `${error.code}: ${error.message}`.slice(0, 500) : 'unexpected error' });
    throw error;
  }
  await record(verdict(result));
  return result;
}
