import { StrataError } from '../../errors';
import { assertConfirmed } from '../../migrate/confirm-target';
import { rollbackChangeSets } from '../../migrate/rollback';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, switchFlag, valueFlag } from '../command';
import { RUN_FLAGS } from '../flags';
import { reviewedPlan, runApprovedRequest } from '../reviewed-runs';
import { runOutput, runVerdict } from '../run-output';
import { withTarget } from '../with-target';

export const rollbackCommand = defineCommand({
  name: 'rollback',
  summary: 'roll back applied change sets        [--steps N | --to TAG | --all]',
  usage: ['strata rollback (--env NAME | --database-url URL) [--steps N | --to TAG | --all] [--dir PATH] [--json]'],
  description: `Rolls back the most recently applied change sets with their rollback/NNNN_tag.sql files
(default: the last one). Refuses before starting if any of them has no rollback file.`,
  flags: {
    steps: valueFlag('N', 'roll back the last N'),
    to: valueFlag('TAG', 'roll back everything applied after TAG (TAG stays applied)'),
    all: switchFlag('roll back everything'),
    ...RUN_FLAGS,
  },
  notes: `Before each rollback file that can destroy data (drops a table or column, changes a
column's type so values can be lost, truncates, deletes or updates rows of a table that has
rows), what it can destroy is copied and verified first, per the environment's backup policy
(--backup overrides it); the history records where. To put it back: re-apply, then
strata backup restore ID.
--expect-plan takes the reviewed \`strata plan --rollback … --json\` output.`,
  run: (options) =>
    withTarget(options, async (target, project, config) => {
      const steps = options.steps !== undefined ? Number(options.steps) : undefined;
      if (options.steps !== undefined && !Number.isInteger(steps)) throw new StrataError('BAD_USAGE', `--steps takes a whole number (got "${options.steps}")`);
      assertConfirmed(target, options.confirm);
      if (target.protection === 'protected' || options.request !== undefined) return runOutput(await runApprovedRequest(options, target, project, config, 'rollback'), 'roll back');
      const expectPlan = reviewedPlan(options.expectPlan, 'rollback');
      const result = await auditedCli(options, target, config, 'rollback', () =>
        rollbackChangeSets(cliContext(options, target), project, { steps, to: options.to, all: options.all, expectPlan }), runVerdict);
      return runOutput(result, 'roll back');
    }),
});
