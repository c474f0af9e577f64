import type { Project } from '../changesets/project';
import type { Environment, StrataConfig } from '../config/environments';
import { isStrataError, StrataError } from '../errors';
import { checkDrift, readAppliedSet, type DriftReport } from '../migrate/drift';
import type { RunContext } from '../migrate/run-context';
import { consoleExpectedSchemas } from './expected-schemas';

/**
 * The console's drift checks, served from a short server-side cache: at most one check per
 * environment per N seconds (STRATA_DRIFT_CACHE_SECONDS, default 30), whoever asks and
 * however many ask at once — concurrent callers share the one running check. A kept report
 * is served only while the environment's applied set is still the one it describes (read
 * on every request, without the lock), so an apply or a rollback from anywhere — the CLI
 * included — is never hidden behind a cached answer; `invalidate` drops it at once after
 * the console's own runs.
 */
/** The environment a check reads; environment-operations.ts's OperationTarget is one (declared here, so neither module imports the other back). */
export interface DriftTarget {
  config: StrataConfig;
  environment: Environment;
  project: Project;
}

export interface DriftService {
  check(target: DriftTarget, ctx: RunContext): Promise<DriftReport>;
  /** Forget the environment's kept report and any check in progress (call after an apply, rollback, reset or restore). */
  invalidate(environment: string): void;
}

export interface DriftServiceOptions {
  /** How long a report is served before a request checks again. */
  ttlMs: number;
  /** Milliseconds now; injectable so tests move time instead of sleeping. */
  now?: () => number;
}

export const DEFAULT_DRIFT_CACHE_SECONDS = 30;

interface Kept {
  appliedSet: string;
  at: number;
  outcome: { report: DriftReport } | { error: unknown };
}

export function createDriftService({ ttlMs, now = Date.now }: DriftServiceOptions): DriftService {
  const kept = new Map<string, Kept>();
  const running = new Map<string, Promise<DriftReport>>();
  // Bumped by invalidate, so a check that started before it is not kept after it.
  const generations = new Map<string, number>();
  const generation = (env: string) => generations.get(env) ?? 0;

  function start(target: DriftTarget, ctx: RunContext, appliedSet: string): Promise<DriftReport> {
    const env = target.environment.name;
    const startedIn = generation(env);
    const keep = (entry: Kept) => {
      if (generation(env) === startedIn) kept.set(env, entry);
    };
    const check: Promise<DriftReport> = checkDrift(ctx, target.project, { shadowServerUrl: target.config.shadowServerUrl, store: consoleExpectedSchemas(target.config) })
      .then(
        (report) => {
          keep({ appliedSet: report.appliedSet, at: now(), outcome: { report } });
          return report;
        },
        (error: unknown) => {
          // A failed check is kept too (a replay that fails would otherwise be retried by every
          // request); a migration in progress is not, so its end shows at once.
          if (!isStrataError(error, 'LOCKED')) keep({ appliedSet, at: now(), outcome: { error } });
          throw error;
        },
      )
      .finally(() => {
        if (running.get(env) === check) running.delete(env);
      });
    running.set(env, check);
    return check;
  }

  return {
    async check(target, ctx) {
      const env = target.environment.name;
      const inProgress = running.get(env);
      if (inProgress) return inProgress;
      const appliedSet = await readAppliedSet(target.environment.url, target.project);
      const entry = kept.get(env);
      if (entry && entry.appliedSet === appliedSet && now() - entry.at < ttlMs) {
        if ('error' in entry.outcome) throw entry.outcome.error;
        return entry.outcome.report;
      }
      return running.get(env) ?? start(target, ctx, appliedSet);
    },
    invalidate(environment) {
      generations.set(environment, generation(environment) + 1);
      kept.delete(environment);
      running.delete(environment);
    },
  };
}

/** STRATA_DRIFT_CACHE_SECONDS: a whole number of seconds, 0 to check on every request (still one at a time). */
export function driftCacheSeconds(env: Record<string, string | undefined> = process.env): number {
  const raw = env.STRATA_DRIFT_CACHE_SECONDS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_DRIFT_CACHE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new StrataError('BAD_USAGE', `STRATA_DRIFT_CACHE_SECONDS must be a whole number of seconds, 0 or more (got "${raw.slice(0, 20)}")`);
  }
  return seconds;
}

// One per process, kept on globalThis so that a development server's module reloads share it.
const serviceKey = Symbol.for('strata.drift-service');

export function driftService(): DriftService {
  const g = globalThis as unknown as Record<symbol, DriftService | undefined>;
  g[serviceKey] ??= createDriftService({ ttlMs: driftCacheSeconds() * 1000 });
  return g[serviceKey]!;
}

/** After the console applies, rolls back, resets or restores an environment: its next drift check is a new one. */
export function invalidateDrift(environment: string): void {
  driftService().invalidate(environment);
}
