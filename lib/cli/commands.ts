import { readProject, type Project } from '../changesets/project';
import { loadConfig, type StrataConfig } from '../config/environments';
import { ensureEmbeddedRunning } from '../embedded/ensure-running';
import { StrataError } from '../errors';
import { environmentHealth } from '../health/environment-health';
import { applyChangeSets, type RunResult } from '../migrate/apply';
import { baselineChangeSets, resolveChangeSet, type Resolution } from '../migrate/bookkeeping-ops';
import { readTarget } from '../migrate/read-status';
import { rollbackChangeSets } from '../migrate/rollback';
import { engineLogger } from '../observability/logger';
import { table, when } from './format';
import { SCHEMA_COMMANDS } from './schema-commands';
import { withTarget } from './with-target';
import { assertConfirmed } from '../migrate/confirm-target';
import { cliContext } from './cli-context';
import { auditedCli } from './cli-audit';
import { CHANGE_COMMANDS } from './change-commands';
import { refuseOnProtected, reviewedPlan, runApprovedRequest } from './request-commands';
import { AUTH_COMMANDS } from './auth-commands';
import { SEED_COMMANDS } from './seed-command';
import { RETENTION_COMMANDS } from './retention-command';
import { LINT_COMMANDS } from './lint-command';
import { VERIFY_COMMANDS } from './verify-command';
import { IMPORT_COMMANDS } from './import-command';

/** Parsed flags shared by every command (see HELP in main.ts). */
export interface CliOptions {
  /** The command being run (for refusal audit entries). */
  command?: string;
  env?: string;
  format?: string;
  out?: string;
  databaseUrl?: string;
  dir?: string;
  json: boolean;
  actor?: string;
  to?: string;
  steps?: string;
  all: boolean;
  as?: string;
  reason?: string;
  acceptChecksum: boolean;
  includeOutOfOrder: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  /** A protected environment's name, typed back to confirm a change to it. */
  confirm?: string;
  /** plan: dry-run a rollback of N change sets (or `all`) instead of an apply. */
  rollback?: string;
  /** plan: dry-run a rollback back to this change set. */
  rollbackTo?: string;
  /** plan: dry-run on a shadow database (the default for protected environments). */
  shadow: boolean;
  /** rollback: skip copying destroyed tables into a backup schema. */
  noBackup: boolean;
  /** backup restore: the backup schema. */
  schema?: string;
  /** user add: the new user's role (viewer, developer, operator, admin). */
  role?: string;
  /** user add: read the password from stdin instead of generating one. */
  passwordStdin?: boolean;
  /** user add: the user's display name. */
  displayName?: string;
  /** audit list: how many entries. */
  limit?: string;
  /** seed: truncate the managed tables first. */
  reset?: boolean;
  /** seed: also stream this many usage events with COPY (benchmarks). */
  scale?: string;
  /** seed --reset on a bare --database-url (no protection level to allow it). */
  force?: boolean;
  /** import: the source format (sql | golang-migrate | dbmate | diesel). */
  from?: string;
  /** lint: list the rules instead of linting. */
  rules?: boolean;
  /** apply/rollback on a protected environment: the approved request to execute. */
  request?: string;
  /** apply/rollback: a `plan --json` output; the run refuses unless the plan is still exactly it. */
  expectPlan?: string;
}

export interface CommandOutput {
  /** Exit code: 0 done, 1 failed. (2 and 3 come from errors.) */
  code: number;
  text: string;
  json: unknown;
}

export type Command = (options: CliOptions, positional: string[]) => Promise<CommandOutput>;

const status: Command = async (options) => {
  if (!options.env && !options.databaseUrl) return statusOfAll(options);
  return withTarget(options, async (target, project) => {
    const { status } = await readTarget(target.url, project);
    const rows = status.changeSets.map((c) => [
      String(c.changeSet.version).padStart(4, '0'),
      c.changeSet.tag,
      c.state,
      c.state === 'applied' ? when(c.last?.finishedAt) : '',
      c.state === 'applied' ? (c.last?.actor ?? (c.appliedByDrizzleOnly ? 'drizzle-orm' : '')) : '',
    ]);
    const notes = status.changeSets.filter((c) => c.reason).map((c) => `! ${c.reason}`);
    const header = `${target.name ?? 'database'}: schema version ${status.schemaVersion ?? '(none)'}; ` +
      `${status.counts.applied} applied, ${status.counts.pending} pending, ${status.counts.failed} failed, ` +
      `${status.counts.interrupted} interrupted, ${status.counts.out_of_order} out of order, ${status.counts.checksum_mismatch} edited after apply`;
    return {
      code: 0,
      text: [header, '', table(['ver', 'tag', 'state', 'applied at', 'by'], rows), ...(notes.length ? ['', ...notes] : [])].join('\n'),
      json: {
        target: target.name,
        schemaVersion: status.schemaVersion,
        lastMigrationAt: status.lastMigrationAt,
        counts: status.counts,
        changeSets: status.changeSets.map((c) => ({
          version: c.changeSet.version,
          tag: c.changeSet.tag,
          state: c.state,
          checksum: c.changeSet.forward.checksum,
          appliedAt: c.state === 'applied' ? c.last?.finishedAt ?? null : null,
          appliedBy: c.state === 'applied' ? c.last?.actor ?? null : null,
          hasRollback: c.changeSet.rollback !== null,
          reason: c.reason,
        })),
      },
    };
  });
};

async function statusOfAll(options: CliOptions): Promise<CommandOutput> {
  const config = loadConfig();
  const project = readProject(options.dir ?? config.projectDir);
  const embedded = await ensureEmbeddedRunning(config, engineLogger());
  try {
    const health = await Promise.all(config.environments.map((env) => environmentHealth(env, project)));
    const rows = health.map((h) => [
      h.name,
      h.protection,
      h.reachable ? 'yes' : `NO (${h.error})`,
      h.schemaVersion ?? '(none)',
      when(h.lastMigrationAt),
      h.pending,
      h.failed,
      h.interrupted,
      h.outOfOrder,
      h.checksumMismatch,
    ]);
    return {
      code: health.every((h) => h.reachable) ? 0 : 1,
      text: table(['environment', 'protection', 'reachable', 'schema version', 'last migration', 'pending', 'failed', 'interrupted', 'out of order', 'edited'], rows),
      json: health,
    };
  } finally {
    await embedded?.stop();
  }
}

const history: Command = async (options) =>
  withTarget(options, async (target, project) => {
    const { history } = await readTarget(target.url, project);
    const newest = [...history].reverse();
    const rows = newest.map((h) => [
      when(h.startedAt),
      h.tag,
      h.operation,
      h.status,
      h.actor,
      // A started row has no outcome yet, so no duration.
      h.status === 'started' ? '—' : `${h.durationMs}ms`,
      h.statements,
      h.rowsAffected,
      h.errorMessage ?? h.reason ?? '',
    ]);
    return {
      code: 0,
      text: newest.length ? table(['started', 'tag', 'operation', 'status', 'actor', 'duration', 'stmts', 'rows', 'note'], rows) : 'No history yet.',
      json: newest,
    };
  });

function runOutput(result: RunResult, verb: string): CommandOutput {
  const lines = result.records.map(
    (r) => `${r.status === 'failed' ? '✗' : '✓'} ${r.tag} ${r.status} in ${r.durationMs}ms (${r.statements} statements, ${r.rowsAffected} rows)`,
  );
  if (!result.records.length) lines.push(`Nothing to ${verb}.`);
  if (result.backup) {
    lines.unshift(
      `Backed up ${result.backup.tables.map((t) => `${t.source} (${t.rows} rows)`).join(', ')} into schema ${result.backup.schema}`,
      `  to undo: re-apply, then npm run strata -- backup restore --schema ${result.backup.schema} with the same --env or --database-url`,
    );
  }
  if (result.failed?.error) {
    const e = result.failed.error;
    lines.push(
      '',
      `${e.file}:${e.line}: statement ${e.statementIndex + 1} failed: ${e.message}`,
      ...(e.detail ? [`  detail: ${e.detail}`] : []),
      ...(e.hint ? [`  hint: ${e.hint}`] : []),
      `  ${e.statement.split('\n').join('\n  ')}`,
      e.noTransaction
        ? 'It ran without a transaction: statements before it stay applied. Nothing after it ran.'
        : 'Its transaction was rolled back; nothing after it ran.',
    );
  }
  if (result.skippedOutOfOrder.length) {
    lines.push('', `Out of order, not applied (use --include-out-of-order): ${result.skippedOutOfOrder.join(', ')}`);
  }
  return { code: result.failed ? 1 : 0, text: lines.join('\n'), json: result };
}

/** The audit verdict of a run: failed when a change set failed, with the change sets it ran. */
const runVerdict = (r: RunResult) => ({
  outcome: r.failed ? ('failed' as const) : ('ok' as const),
  target: r.records.map((x) => x.tag).join(', ') || null,
  detail: [r.failed?.error?.message, r.backup ? `backup ${r.backup.schema}` : null].filter(Boolean).join('; ') || null,
});

const apply: Command = async (options) =>
  withTarget(options, async (target, project, config) => {
    assertConfirmed(target, options.confirm);
    if (target.protection === 'protected' || options.request !== undefined) return runOutput(await runApprovedRequest(options, target, project, config, 'apply'), 'apply');
    const expectPlan = reviewedPlan(options.expectPlan, 'apply');
    const result = await auditedCli(options, target, config, 'apply', () =>
      applyChangeSets(cliContext(options, target), project, { to: options.to, includeOutOfOrder: options.includeOutOfOrder, expectPlan }), runVerdict);
    return runOutput(result, 'apply');
  });

const rollback: Command = async (options) =>
  withTarget(options, async (target, project, config) => {
    const steps = options.steps !== undefined ? Number(options.steps) : undefined;
    if (options.steps !== undefined && !Number.isInteger(steps)) throw new StrataError('BAD_USAGE', `--steps takes a whole number (got "${options.steps}")`);
    assertConfirmed(target, options.confirm);
    if (target.protection === 'protected' || options.request !== undefined) return runOutput(await runApprovedRequest(options, target, project, config, 'rollback'), 'roll back');
    const expectPlan = reviewedPlan(options.expectPlan, 'rollback');
    const result = await auditedCli(options, target, config, 'rollback', () =>
      rollbackChangeSets(cliContext(options, target), project, { steps, to: options.to, all: options.all, backup: !options.noBackup, expectPlan }), runVerdict);
    return runOutput(result, 'roll back');
  });

const baseline: Command = async (options) =>
  withTarget(options, async (target, project, config) => {
    assertConfirmed(target, options.confirm);
    refuseOnProtected(target, 'baseline');
    const tags = await auditedCli(options, target, config, 'baseline', () => baselineChangeSets(cliContext(options, target), project, { to: options.to, reason: options.reason }), (t) => ({
      outcome: 'ok',
      target: t.join(', ') || null,
      detail: options.reason ?? null,
    }));
    return { code: 0, text: tags.length ? `Marked as applied without running: ${tags.join(', ')}` : 'Nothing to baseline.', json: { baselined: tags } };
  });

const resolutions = ['retry', 'applied', 'rolled-back'] as const;
const resolve: Command = async (options, positional) => {
  const tag = positional[0];
  if (!tag) throw new StrataError('BAD_USAGE', 'resolve needs the change set: strata resolve TAG --as retry|applied|rolled-back --reason "…"');
  let resolution: Resolution;
  if (options.acceptChecksum) resolution = 'accept-checksum';
  else if (resolutions.includes(options.as as (typeof resolutions)[number])) resolution = options.as as Resolution;
  else throw new StrataError('BAD_USAGE', `resolve needs --as ${resolutions.join('|')} (or --accept-checksum)`);
  return withTarget(options, async (target, project, config) => {
    assertConfirmed(target, options.confirm);
    refuseOnProtected(target, 'resolve');
    const state = await auditedCli(options, target, config, 'resolve', () => resolveChangeSet(cliContext(options, target), project, tag, resolution, options.reason ?? ''), () => ({
      outcome: 'ok',
      target: tag,
      detail: `${resolution}: ${options.reason ?? ''}`.slice(0, 500),
    }));
    return { code: 0, text: `${tag} resolved (${resolution}); it is now ${state}.`, json: { tag, resolution, state } };
  });
};

export const COMMANDS: Record<string, Command> = { status, history, apply, rollback, baseline, resolve, ...SCHEMA_COMMANDS, ...CHANGE_COMMANDS, ...AUTH_COMMANDS, ...SEED_COMMANDS, ...RETENTION_COMMANDS, ...LINT_COMMANDS, ...VERIFY_COMMANDS, ...IMPORT_COMMANDS };
