import type { Principal } from '../auth/types';
import type { StrataConfig } from '../config/environments';
import { audited, type AuditVerdict } from '../console/audited';
import { resolveActor, type Target } from './targets';

/** The CLI acts as a named actor (--actor, STRATA_ACTOR, or cli:<os user>) with full rights: it holds the credentials. */
export function cliPrincipal(options: { actor?: string }): Principal {
  return { username: resolveActor(options.actor), role: 'admin', via: 'cli' };
}

/**
 * Runs a CLI operation on a configured environment with its audit entry in the console
 * database. A bare --database-url is outside Strata's environments and their audit trail;
 * its history row in the target still records the actor.
 */
export function auditedCli<T>(
  options: { actor?: string },
  target: Target,
  config: StrataConfig,
  action: string,
  work: () => Promise<T>,
  verdict?: (result: T) => AuditVerdict,
): Promise<T> {
  if (target.name === null) return work();
  return audited(config, cliPrincipal(options), { action, environment: target.name }, work, verdict);
}
