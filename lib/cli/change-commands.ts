import { closeConsole } from '../auth/console-db';
import type { StrataConfig } from '../config/environments';
import { consoleExpectedSchemas } from '../console/expected-schemas';
import { withDatabase } from '../db/connection-url';
import { StrataError } from '../errors';
import { dryRun } from '../migrate/dry-run';
import { defaultDryRunMode } from '../migrate/dry-run-safety';
import type { DryRunRequest } from '../migrate/dry-run-types';
import { checkDrift, type DriftReport } from '../migrate/drift';
import { assertConfirmed } from '../migrate/confirm-target';
import { listBackups, restoreBackup } from '../migrate/table-backup';
import { withTargetLock } from '../migrate/target-lock';
import { cliContext } from './cli-context';
import { auditedCli } from './cli-audit';
import type { CliOptions, Command } from './commands';
import { dryRunText, driftText } from './dry-run-text';
import { table } from './format';
import type { Target } from './targets';
import { refuseOnProtected } from './request-commands';
import { withReachableTarget, withTarget } from './with-target';

/** `plan`, `drift` and `backup`: look before changing, and undo a destructive rollback. */

/**
 * Where shadow databases are built: STRATA_SHADOW_DATABASE_URL when set; for a configured
 * environment, the configured shadow server; for a bare --database-url (CI with a
 * throwaway server), that database's own server, so nothing else has to be running.
 */
export function shadowServerFor(target: Target, config: StrataConfig): string {
  if (process.env.STRATA_SHADOW_DATABASE_URL) return process.env.STRATA_SHADOW_DATABASE_URL;
  return target.name === null ? withDatabase(target.url, 'postgres') : config.shadowServerUrl;
}

/** Exit 1 when a change set would fail, so CI stops before the real run. */
const plan: Command = async (options) =>
  withTarget(options, async (target, project, config) => {
    const request = planRequest(options);
    request.mode = options.shadow ? 'shadow' : defaultDryRunMode(target.protection ?? 'open');
    const result = await auditedCli(options, target, config, 'dry-run', () => dryRun(cliContext(options, target), project, request, { shadowServerUrl: shadowServerFor(target, config) }), (r) => ({
      outcome: r.failed ? 'failed' : 'ok',
      target: r.changeSets.map((c) => c.tag).join(', ') || null,
      detail: `${r.direction} in ${r.mode} mode`,
    }));
    return { code: result.failed ? 1 : 0, text: dryRunText(result), json: result };
  });

function planRequest(options: CliOptions): DryRunRequest {
  if (options.rollback !== undefined && options.rollbackTo !== undefined) throw new StrataError('BAD_USAGE', 'Give --rollback N or --rollback-to TAG, not both');
  if (options.rollbackTo !== undefined) return { direction: 'rollback', to: options.rollbackTo };
  if (options.rollback === undefined) return { direction: 'apply', to: options.to, includeOutOfOrder: options.includeOutOfOrder };
  if (options.rollback === 'all') return { direction: 'rollback', all: true };
  const steps = Number(options.rollback);
  if (!Number.isInteger(steps) || steps < 1) throw new StrataError('BAD_USAGE', `--rollback takes a number of change sets or "all" (got "${options.rollback}")`);
  return { direction: 'rollback', steps };
}

/**
 * Exit 1 when the live schema differs from what its applied change sets produce. A
 * configured environment shares the console's expected schemas (replayed once, then
 * kept); a bare --database-url has no console, so its expected schema is replayed each time.
 */
const drift: Command = async (options) =>
  withTarget(options, async (target, project, config) => {
    const store = target.name === null ? null : consoleExpectedSchemas(config);
    try {
      const report = await checkDrift(cliContext(options, target), project, { shadowServerUrl: shadowServerFor(target, config), store });
      return { code: report.drifted ? 1 : 0, text: `${driftText(report)}\n${expectedOriginText(report)}`, json: report };
    } finally {
      if (store) await closeConsole(config);
    }
  });

function expectedOriginText({ expected }: DriftReport): string {
  return expected.source === 'cached'
    ? `Expected schema: kept since ${expected.computedAt} (its replay took ${expected.computedMs} ms).`
    : `Expected schema: replayed on a shadow database now, in ${expected.computedMs} ms.`;
}

/** `backup list` and `backup restore --schema S`. */
const backup: Command = async (options, positional) => {
  const action = positional[0];
  if (action !== 'list' && action !== 'restore') throw new StrataError('BAD_USAGE', 'backup needs a subcommand: list, or restore --schema NAME');
  if (action === 'restore' && !options.schema) throw new StrataError('BAD_USAGE', 'backup restore needs --schema NAME (see backup list)');
  return withReachableTarget(options, async (target, config) => {
    const ctx = cliContext(options, target);
    if (action === 'list') {
      const backups = await withTargetLock(ctx.url, ctx.actor, (conn) => listBackups(conn));
      const rows = backups.flatMap((b) => b.tables.map((t) => [b.schema, t.source, t.backupTable, t.rows]));
      return { code: 0, text: rows.length ? table(['schema', 'table', 'copy', 'rows'], rows) : 'No backups on this target.', json: backups };
    }
    assertConfirmed(target, options.confirm);
    refuseOnProtected(target, 'backup restore');
    const restored = await auditedCli(options, target, config, 'backup-restore', () => withTargetLock(ctx.url, ctx.actor, (conn) => restoreBackup(conn, options.schema!)), (r) => ({
      outcome: 'ok',
      target: options.schema!,
      detail: r.map((x) => `${x.table}: ${x.rows} rows`).join(', ') || null,
    }));
    ctx.logger.info({ env: ctx.environment, backup_schema: options.schema, restored, actor: ctx.actor }, 'backup restored');
    return {
      code: 0,
      text: restored.map((r) => `Restored ${r.rows} rows into ${r.table}`).join('\n') || 'Nothing to restore.',
      json: { schema: options.schema, restored },
    };
  });
};

export const CHANGE_COMMANDS: Record<string, Command> = { plan, drift, backup };
