import { StrataError } from '../../errors';
import { resolveChangeSet, type Resolution } from '../../migrate/bookkeeping-ops';
import { assertConfirmed } from '../../migrate/confirm-target';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, switchFlag, valueFlag } from '../command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { refuseOnProtected } from '../reviewed-runs';
import { withTarget } from '../with-target';

const resolutions = ['retry', 'applied', 'rolled-back'] as const;

export const resolveCommand = defineCommand({
  name: 'resolve',
  summary: 'settle a failed or edited change set TAG --as retry|applied|rolled-back --reason "…"',
  usage: ['strata resolve TAG (--env NAME | --database-url URL) (--as retry|applied|rolled-back | --accept-checksum) --reason "…"'],
  description: `Settles a blocked change set, recorded in the history with your reason:
  --as retry          it failed; make it pending so the next apply runs it again
  --as rolled-back    it failed part-way and you undid its effects by hand
  --as applied        it failed part-way and you completed it by hand
  --accept-checksum   its file was edited after it was applied and the edit is harmless`,
  flags: {
    as: valueFlag('HOW', 'retry, applied or rolled-back: how a failed change set is settled (see above)'),
    'accept-checksum': switchFlag('accept the edited file of an applied change set'),
    reason: valueFlag('"…"', 'why, recorded in the history (required)'),
    ...CONFIRM_FLAGS,
    ...TARGET_FLAGS,
    ...PROJECT_FLAGS,
    ...ACTOR_FLAGS,
  },
  async run(options, positional) {
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
  },
});
