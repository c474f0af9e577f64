import { StrataError } from '../../errors';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../migrate/run-context';
import { previewTableSeed, seedDatabase } from '../../seed/run-seed';
import { parseTableName } from '../../seed/table-graph';
import type { SeedResult, TableSeedPlan } from '../../seed/types';
import type { Project } from '../../changesets/project';
import { cliContext } from '../cli-context';
import { auditedCli } from '../cli-audit';
import { defineCommand, switchFlag, valueFlag, type CommandOutput, type OptionValues } from '../command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, durationText, PROJECT_FLAGS, TARGET_FLAGS, timeoutFlags } from '../flags';
import type { Target } from '../targets';
import { withTarget } from '../with-target';

/**
 * `seed (--env NAME | --database-url URL) [--table SCHEMA.TABLE] [--reset] [--scale N] [--force]`:
 * the project's seed set (or one table of it and the parents its foreign keys need), on open
 * environments only. A bare URL has no protection level: seeding it is allowed, resetting it
 * (which empties every managed table) needs --force. Resetting one table first prints what
 * its TRUNCATE … CASCADE would also empty and needs --confirm NAME (--force on a bare URL).
 */

/** "1000000", "1_000_000" or "1,000,000" rows. */
export function parseScale(value: string | undefined): number {
  if (value === undefined) return 0;
  const text = value.trim();
  const n = /^\d{1,3}([_,]\d{3})*$|^\d+$/.test(text) ? Number(text.replace(/[_,]/g, '')) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 100_000_000) {
    throw new StrataError('BAD_USAGE', `--scale takes a number of usage events from 0 to 100,000,000 (got "${value}")`);
  }
  return n;
}

/** Refuses before anything connects: seed and reset are for open environments (and bare URLs). */
export function assertSeedAllowed(target: Target, options: { reset?: boolean; force?: boolean; table?: string }): void {
  if (target.protection === null) {
    // A one-table reset asks for its own confirmation, after listing what it would empty.
    if (options.reset && !options.force && options.table === undefined) {
      throw new StrataError(
        'BAD_USAGE',
        '--reset empties every table the project manages, and a bare --database-url has no protection level to say it may: add --force to reset it anyway',
      );
    }
    return;
  }
  if (target.protection !== 'open') {
    throw new StrataError('FORBIDDEN', `${target.name} is ${target.protection}: seed and reset are only allowed on open environments`, {
      environment: target.name,
      protection: target.protection,
    });
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** What resetting one table empties, as the refusal and the --json preview print it. */
export function resetPreviewText(plan: TableSeedPlan, targetName: string | null): string {
  const also = plan.alsoEmpties.length
    ? `It would also empty ${plan.alsoEmpties.length} table${plan.alsoEmpties.length === 1 ? '' : 's'} that reference it (TRUNCATE … CASCADE):\n${plan.alsoEmpties.map((t) => `  - ${t}`).join('\n')}`
    : 'No other table references it: the TRUNCATE … CASCADE empties only it.';
  return [
    `Resetting ${plan.table} on ${targetName ?? 'this database'} empties it and restarts its identity sequences.`,
    also,
    `Then it seeds ${plan.seeds.join(', ')}.`,
    targetName ? `Rerun with --confirm ${targetName} to go ahead; nothing was changed.` : 'Rerun with --force to go ahead; nothing was changed.',
  ].join('\n');
}

/**
 * A one-table reset runs only when confirmed for this target (--confirm NAME, or --force on a
 * bare URL, which has no name); otherwise it reads what the reset would empty and refuses,
 * listing it, before anything changes.
 */
async function assertTableResetConfirmed(target: Target, project: Project, table: string, options: { confirm?: string; force?: boolean }): Promise<void> {
  const confirmed = target.name === null ? options.force === true : options.confirm === target.name;
  if (confirmed) return;
  const plan = await previewTableSeed(target.url, project, table, target.name);
  const mismatch = options.confirm !== undefined && target.name !== null ? `"${options.confirm}" does not match ${target.name}. ` : '';
  throw new StrataError('CONFIRMATION_REQUIRED', `${mismatch}${resetPreviewText(plan, target.name)}`, { table: plan.table, alsoEmpties: plan.alsoEmpties });
}

export function seedText(result: SeedResult, targetName: string | null): string {
  const lines: string[] = [];
  if (result.reset && result.table !== undefined) {
    const also = (result.truncated ?? []).filter((t) => t !== result.table);
    lines.push(`Reset: truncated ${result.table}${also.length ? ` and ${also.length} tables that reference it (${also.join(', ')})` : ''}, restarting their identity sequences.`);
  } else if (result.reset) lines.push(`Reset: truncated ${result.truncated?.length ?? 0} tables and restarted their identity sequences.`);
  const width = Math.max(...result.tables.map((t) => t.table.length), 5);
  for (const [i, t] of result.tables.entries()) {
    const copied = result.tables.findIndex((x) => x.table === t.table) !== i ? ' (COPY)' : '';
    lines.push(`✓ ${t.table.padEnd(width)}  ${count(t.rows).padStart(9)} rows${t.durationMs !== undefined ? `  ${t.durationMs} ms` : ''}${copied}`);
  }
  const rows = result.tables.reduce((s, t) => s + t.rows, 0);
  const tables = new Set(result.tables.map((t) => t.table)).size;
  lines.push(
    '',
    `${result.reset ? 'Reset and seeded' : 'Seeded'} ${targetName ?? 'database'}${result.table !== undefined ? ` (${result.table} and the parents it needs)` : ''}: ${tables} tables, ${count(rows)} rows written` +
      `${result.scaledRows ? ` (${count(result.scaledRows)} usage events streamed with COPY)` : ''} in ${(result.durationMs / 1000).toFixed(1)} s.`,
  );
  return lines.join('\n');
}

const seed = async (options: OptionValues<typeof SEED_FLAGS>): Promise<CommandOutput> => {
  const scale = parseScale(options.scale);
  if (options.table !== undefined) parseTableName(options.table);
  return withTarget(options, async (target, project, config) => {
    const result = await auditedCli(
      options,
      target,
      config,
      options.reset ? 'reset' : 'seed',
      async () => {
        // Inside the audited work, so a refusal on a guarded or protected environment is audited as
        // denied (a bare URL is outside the audit trail). Either way it comes before any connection.
        assertSeedAllowed(target, options);
        if (options.reset && options.table !== undefined) await assertTableResetConfirmed(target, project, options.table, options);
        return seedDatabase(cliContext(options, target), project, { reset: options.reset === true, scale, table: options.table });
      },
      (r) => ({
        outcome: 'ok',
        target: r.table ?? `${new Set(r.tables.map((t) => t.table)).size} tables`,
        detail: `${r.tables.reduce((s, t) => s + t.rows, 0)} rows${r.scaledRows ? `, ${r.scaledRows} usage events by COPY` : ''}${r.reset ? `, ${r.truncated?.length ?? 0} tables truncated first` : ''}`,
      }),
    );
    return { code: 0, text: seedText(result, target.name), json: { target: target.name, ...result } };
  });
};

const SEED_FLAGS = {
  table: valueFlag('SCHEMA.TABLE', 'seed only this table and the parents its foreign keys need (read live from the target)'),
  reset: switchFlag("first truncate every table of the project's schemas (never strata, drizzle or backups) and restart their identity sequences, then seed"),
  scale: valueFlag('N', 'also stream N usage events with COPY, for benchmarks (rows of an earlier run with the same N are not copied again), and recompute the rollups'),
  force: switchFlag('allow --reset on a bare --database-url, which has no protection level'),
  // The --confirm NAME of CONFIRM_FLAGS, said for what it confirms here.
  confirm: { ...CONFIRM_FLAGS.confirm, description: "with --table and --reset: the environment's name, once you have read what the reset would also empty" },
  ...timeoutFlags(durationText(DEFAULT_LOCK_TIMEOUT_MS), durationText(DEFAULT_STATEMENT_TIMEOUT_MS)),
  ...TARGET_FLAGS,
  ...PROJECT_FLAGS,
  ...ACTOR_FLAGS,
};

export const seedCommand = defineCommand({
  name: 'seed',
  summary: "write the project's seed data, or one table's (open environments) [--table T] [--reset] [--scale N]",
  usage: [
    'strata seed (--env NAME | --database-url URL) [--reset] [--scale N] [--force] [--dir PATH] [--json]',
    'strata seed (--env NAME | --database-url URL) --table SCHEMA.TABLE [--reset --confirm NAME | --reset --force] [--dir PATH] [--json]',
  ],
  description: `Writes the seed set the project's strata.config.ts names (seeds/demo for the demo): realistic, referentially
consistent rows with fixed identifiers, upserted table by table in dependency order, each
table in its own transaction. Rerunning creates no duplicates, and a run that failed
half-way finishes cleanly when rerun. Every change set must be applied first.
With --table, only that table and the parents its foreign keys need (transitively, read
from the target's live foreign keys) are seeded; --reset then truncates only that table,
CASCADE emptying the tables that reference it: without --confirm NAME (--force on a bare
URL) it prints those tables and stops, changing nothing.`,
  flags: SEED_FLAGS,
  notes: `Only open environments can be seeded or reset; guarded and protected ones are refused
(exit 2), whoever asks. Prints one line per table and a summary.`,
  run: seed,
});
