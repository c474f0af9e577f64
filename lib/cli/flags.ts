import { DEFAULT_LOCK_RETRIES } from '../migrate/lock-wait';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../migrate/run-context';
import { valueFlag, type Flags } from './command';

/**
 * The flags several commands share, declared once. A command spreads the groups it takes
 * into its own flags; --json and --help (GLOBAL_FLAGS in command.ts) every command takes.
 */

/** The database a command acts on. */
export const TARGET_FLAGS = {
  env: valueFlag('NAME', 'a configured environment (local, staging, production in the demo)'),
  'database-url': valueFlag('URL', 'any PostgreSQL database instead (no protection level)'),
} as const satisfies Flags;

/** The fleet a fleet command acts on, besides --env FLEET (resolveFleetOption in lib/fleet/resolve-fleet.ts). */
export const FLEET_FLAGS = {
  'fleet-file': valueFlag('FILE', 'a fleet of bare databases: one PostgreSQL URL per line, # comments (guarded; named after the file)'),
} as const satisfies Flags;

/** The Drizzle project whose change sets a command reads. */
export const PROJECT_FLAGS = {
  dir: valueFlag('PATH', 'the Drizzle project folder (default: STRATA_PROJECT_DIR, else projectDir in strata.config.ts, else drizzle/demo)'),
} as const satisfies Flags;

/** Who is recorded in the target's history and the audit trail (resolveActor in targets.ts). */
export const ACTOR_FLAGS = {
  actor: valueFlag('NAME', 'recorded beside the actor, who is always cli:<os user> (also STRATA_ACTOR)'),
} as const satisfies Flags;

/** Typed back to change a protected environment (assertConfirmed in lib/migrate/confirm-target.ts). */
export const CONFIRM_FLAGS = {
  confirm: valueFlag('NAME', "a protected environment's name, to confirm a change to it"),
} as const satisfies Flags;

/** On a protected environment, apply and rollback run only an approved request (reviewed-runs.ts). */
export const REQUEST_FLAGS = {
  request: valueFlag('N', "required on a protected environment: the approved request to run (claimed under the target's lock exactly as the console claims it)"),
} as const satisfies Flags;

/** A reviewed `plan --json` output the run must still match (reviewedPlan in reviewed-runs.ts). */
export const EXPECT_PLAN_FLAGS = {
  'expect-plan': valueFlag(
    'FILE',
    "the output of `strata plan --json` that was reviewed: refuse (exit 1, nothing changed) unless the plan made under the target's lock is exactly it — same change sets, order and file checksums",
  ),
} as const satisfies Flags;

/** The time limits of the statements a command runs on the target (cliContext in cli-context.ts), with their defaults. */
export function timeoutFlags(lockDefault: string, statementDefault: string) {
  return {
    'lock-timeout': valueFlag('DUR', `lock_timeout on the target, like 500ms, 5s or 2min (default ${lockDefault})`),
    'statement-timeout': valueFlag('DUR', `statement_timeout per statement (default ${statementDefault})`),
  } as const satisfies Flags;
}

/** 5000 → "5s", 600000 → "10min": a duration as --lock-timeout takes it. */
export function durationText(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000}min`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Overrides the environment's backup policy for one run (lib/backup/policy.ts). */
export const BACKUP_FLAGS = {
  backup: valueFlag('MODE', "off | destructive | always: copy what the change sets can destroy (or every table they touch) first, verified; overrides the environment's policy for this run"),
} as const satisfies Flags;

/** How often a change set that timed out waiting for a lock is tried again (cliContext; lib/migrate/lock-wait.ts). */
export const LOCK_RETRY_FLAGS = {
  'lock-retries': valueFlag('N', `retries after a lock timeout, naming who holds the lock, with pauses of 1s, 2s, 4s… (default ${DEFAULT_LOCK_RETRIES}, or the environment's STRATA_ENV_<NAME>_LOCK_RETRIES; 0: fail at once)`),
} as const satisfies Flags;

/** What a real apply or rollback takes besides its own selection: the run's limits, a reviewed plan, the confirmation or approved request, the target, the project and the actor. */
export const RUN_FLAGS = {
  ...BACKUP_FLAGS,
  ...LOCK_RETRY_FLAGS,
  ...timeoutFlags(durationText(DEFAULT_LOCK_TIMEOUT_MS), durationText(DEFAULT_STATEMENT_TIMEOUT_MS)),
  ...EXPECT_PLAN_FLAGS,
  ...CONFIRM_FLAGS,
  ...REQUEST_FLAGS,
  ...TARGET_FLAGS,
  ...PROJECT_FLAGS,
  ...ACTOR_FLAGS,
} as const satisfies Flags;
