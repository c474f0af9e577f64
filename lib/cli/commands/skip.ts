import { StrataError } from '../../errors';
import { skipChangeSet, unskipChangeSet } from '../../migrate/bookkeeping-ops';
import { assertConfirmed } from '../../migrate/confirm-target';
import { optionalChangeSets } from '../../project/load-project';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, valueFlag } from '../command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { refuseOnProtected } from '../reviewed-runs';
import { withTarget } from '../with-target';

const reasonFlag = valueFlag('"…"', 'why, recorded in the history (required)');

export const skipCommand = defineCommand({
  name: 'skip',
  summary: 'leave an optional change set out on one environment: skip TAG --reason "…"',
  usage: ['strata skip TAG (--env NAME | --database-url URL) --reason "…"'],
  description: `Records an optional change set (declared in strata.config.ts: optional: ['TAG']) as
skipped on this target, with your reason. It stays out; later change sets apply past it.
Refused when the project does not declare it optional, when it is not pending here, or when
a later change set uses something it creates (the refusal names both). Undo with unskip.`,
  flags: { reason: reasonFlag, ...CONFIRM_FLAGS, ...TARGET_FLAGS, ...PROJECT_FLAGS, ...ACTOR_FLAGS },
  async run(options, positional) {
    const tag = positional[0];
    if (!tag) throw new StrataError('BAD_USAGE', 'skip needs the change set: strata skip TAG --reason "…"');
    return withTarget(options, async (target, project, config) => {
      assertConfirmed(target, options.confirm);
      refuseOnProtected(target, 'skip');
      const optional = await optionalChangeSets(project.dir);
      const state = await auditedCli(options, target, config, 'skip', () => skipChangeSet(cliContext(options, target), project, tag, options.reason ?? '', { optional }), () => ({
        outcome: 'ok',
        target: tag,
        detail: (options.reason ?? '').slice(0, 500),
      }));
      return { code: 0, text: `${tag} skipped; it is now ${state}. Later change sets apply past it; strata unskip ${tag} makes it applicable again.`, json: { tag, state } };
    });
  },
});

export const unskipCommand = defineCommand({
  name: 'unskip',
  summary: 'make a skipped change set applicable again: unskip TAG --reason "…"',
  usage: ['strata unskip TAG (--env NAME | --database-url URL) --reason "…"'],
  description: `Makes a skipped change set applicable again, recorded with your reason. It is then
pending, or out of order when later change sets were applied past it
(apply it with: strata apply --include-out-of-order).`,
  flags: { reason: reasonFlag, ...CONFIRM_FLAGS, ...TARGET_FLAGS, ...PROJECT_FLAGS, ...ACTOR_FLAGS },
  async run(options, positional) {
    const tag = positional[0];
    if (!tag) throw new StrataError('BAD_USAGE', 'unskip needs the change set: strata unskip TAG --reason "…"');
    return withTarget(options, async (target, project, config) => {
      assertConfirmed(target, options.confirm);
      refuseOnProtected(target, 'unskip');
      const state = await auditedCli(options, target, config, 'unskip', () => unskipChangeSet(cliContext(options, target), project, tag, options.reason ?? ''), () => ({
        outcome: 'ok',
        target: tag,
        detail: (options.reason ?? '').slice(0, 500),
      }));
      return { code: 0, text: `${tag} is no longer skipped; it is now ${state.replaceAll('_', ' ')}.`, json: { tag, state } };
    });
  },
});
