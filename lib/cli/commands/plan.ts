import { StrataError } from '../../errors';
import { dryRun } from '../../migrate/dry-run';
import { defaultDryRunMode, DRY_RUN_LOCK_TIMEOUT_MS, DRY_RUN_STATEMENT_TIMEOUT_MS } from '../../migrate/dry-run-safety';
import type { DryRunRequest } from '../../migrate/dry-run-types';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../migrate/run-context';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, switchFlag, valueFlag } from '../command';
import { dryRunText } from '../dry-run-text';
import { ACTOR_FLAGS, durationText, PROJECT_FLAGS, TARGET_FLAGS, timeoutFlags } from '../flags';
import { choicesText, chooseFormat } from '../formats/choose-format';
import { planMarkdown } from '../formats/plan-markdown';
import { shadowServerFor } from '../shadow-server';
import { withTarget } from '../with-target';

/** text (the default) for people; markdown for a pull-request comment. */
const PLAN_FORMATS = ['text', 'markdown'] as const;

/** Exit 1 when a change set would fail, so CI stops before the real run. */
export const planCommand = defineCommand({
  name: 'plan',
  summary: 'dry-run an apply or rollback and print its diff and risks [--rollback N] [--shadow] [--format markdown]',
  usage: ['strata plan (--env NAME | --database-url URL) [--to TAG | --rollback N|all | --rollback-to TAG] [--shadow] [--json | --format text|markdown]'],
  description: `Dry-runs what apply (default) or rollback would do and changes nothing. Prints every
change set's statements with duration, rows and the locks they take, the schema diff
(tables, columns, types, defaults, nullability, keys, indexes, checks, enums, views) and
its risks: data loss, table rewrites, ACCESS EXCLUSIVE locks, NOT NULL on tables with rows.`,
  flags: {
    format: valueFlag('F', `${choicesText(PLAN_FORMATS)} (default text): markdown is a pull-request comment (change sets, diff, risks, locks, lint) without timings, the same for the same plan`),
    shadow: switchFlag(
      "replay the target's applied change sets onto a scratch database on the local server and run there (default for protected environments); otherwise the change sets run on the target in a transaction that is always rolled back",
    ),
    rollback: valueFlag('N', 'dry-run rolling back the last N change sets (or "all")'),
    'rollback-to': valueFlag('TAG', 'dry-run rolling back everything applied after TAG'),
    to: valueFlag('TAG', 'dry-run applying up to TAG'),
    'include-out-of-order': switchFlag('also dry-run applying change sets merged late (as apply --include-out-of-order)'),
    ...timeoutFlags(
      `${durationText(DRY_RUN_LOCK_TIMEOUT_MS)} on the target, ${durationText(DEFAULT_LOCK_TIMEOUT_MS)} on a shadow`,
      `${durationText(DRY_RUN_STATEMENT_TIMEOUT_MS)} on the target, ${durationText(DEFAULT_STATEMENT_TIMEOUT_MS)} on a shadow`,
    ),
    ...TARGET_FLAGS,
    ...PROJECT_FLAGS,
    ...ACTOR_FLAGS,
  },
  notes: 'In CI: --format markdown > plan.md and post it as a pull-request comment (docs/ci.md).\n\nExit codes: 0 the change would succeed, 1 a change set would fail.',
  run: (options) => {
    // Before withTarget: a bad --format changes nothing and reaches no database.
    const format = chooseFormat(options, PLAN_FORMATS);
    return withTarget(options, async (target, project, config) => {
      const request = planRequest(options);
      request.mode = options.shadow ? 'shadow' : defaultDryRunMode(target.protection ?? 'open');
      const result = await auditedCli(options, target, config, 'dry-run', () => dryRun(cliContext(options, target), project, request, { shadowServerUrl: shadowServerFor(target, config) }), (r) => ({
        outcome: r.failed ? 'failed' : 'ok',
        target: r.changeSets.map((c) => c.tag).join(', ') || null,
        detail: `${r.direction} in ${r.mode} mode`,
      }));
      return { code: result.failed ? 1 : 0, text: format === 'markdown' ? planMarkdown(result) : dryRunText(result), json: result };
    });
  },
});

function planRequest(options: { rollback?: string; rollbackTo?: string; to?: string; includeOutOfOrder: boolean }): DryRunRequest {
  if (options.rollback !== undefined && options.rollbackTo !== undefined) throw new StrataError('BAD_USAGE', 'Give --rollback N or --rollback-to TAG, not both');
  if (options.rollbackTo !== undefined) return { direction: 'rollback', to: options.rollbackTo };
  if (options.rollback === undefined) return { direction: 'apply', to: options.to, includeOutOfOrder: options.includeOutOfOrder };
  if (options.rollback === 'all') return { direction: 'rollback', all: true };
  const steps = Number(options.rollback);
  if (!Number.isInteger(steps) || steps < 1) throw new StrataError('BAD_USAGE', `--rollback takes a number of change sets or "all" (got "${options.rollback}")`);
  return { direction: 'rollback', steps };
}
