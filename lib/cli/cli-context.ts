import { durationMs } from '../config/duration';
import { StrataError } from '../errors';
import type { RunContext } from '../migrate/run-context';
import { engineLogger } from '../observability/logger';
import { cliProgress } from './run-output';
import { resolveActor, type Target } from './targets';

/** The RunContext of a CLI command: its target, actor and time limits. */
export function cliContext(options: { actor?: string; lockTimeout?: string; statementTimeout?: string; lockRetries?: string }, target: Target): RunContext {
  return {
    url: target.url,
    environment: target.name,
    actor: resolveActor(options.actor),
    logger: engineLogger(),
    lockTimeoutMs: milliseconds(options.lockTimeout, '--lock-timeout'),
    statementTimeoutMs: milliseconds(options.statementTimeout, '--statement-timeout'),
    lockRetries: retries(options.lockRetries) ?? target.lockRetries,
    maxReplicationLagMs: target.maxReplicationLagMs,
    backup: target.backup,
    onProgress: cliProgress(),
  };
}

/** "5s", "500ms", "2min" or a bare number of milliseconds. */
export function milliseconds(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : durationMs(value, flag);
}


/** --lock-retries: a whole number, 0 or more. */
function retries(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new StrataError('BAD_USAGE', `--lock-retries takes a whole number of retries, 0 or more (got "${value}")`);
  return Number(value.trim());
}
