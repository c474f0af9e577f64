import { applyChangeSets } from '../../migrate/apply';
import { assertConfirmed } from '../../migrate/confirm-target';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, switchFlag, valueFlag } from '../command';
import { RUN_FLAGS } from '../flags';
import { reviewedPlan, runApprovedRequest } from '../reviewed-runs';
import { runOutput, runVerdict } from '../run-output';
import { withTarget } from '../with-target';

export const applyCommand = defineCommand({
  name: 'apply',
  summary: 'apply pending change sets            [--to TAG] [--include-out-of-order]',
  usage: ['strata apply (--env NAME | --database-url URL) [--to TAG] [--include-out-of-order] [--dir PATH] [--json]'],
  description: `Applies pending change sets in journal order, each in its own transaction, under the
target's advisory lock. Stops at the first failure. Change sets that sit before
already-applied ones are reported, and applied only with --include-out-of-order.`,
  flags: {
    to: valueFlag('TAG', 'stop after this change set (tag or version number)'),
    'include-out-of-order': switchFlag('also apply change sets merged late'),
    ...RUN_FLAGS,
  },
  run: (options) =>
    withTarget(options, async (target, project, config) => {
      assertConfirmed(target, options.confirm);
      if (target.protection === 'protected' || options.request !== undefined) return runOutput(await runApprovedRequest(options, target, project, config, 'apply'), 'apply');
      const expectPlan = reviewedPlan(options.expectPlan, 'apply');
      const result = await auditedCli(options, target, config, 'apply', () =>
        applyChangeSets(cliContext(options, target), project, { to: options.to, includeOutOfOrder: options.includeOutOfOrder, expectPlan }), runVerdict);
      return runOutput(result, 'apply');
    }),
});
