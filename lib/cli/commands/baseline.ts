import { baselineChangeSets } from '../../migrate/bookkeeping-ops';
import { assertConfirmed } from '../../migrate/confirm-target';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, valueFlag } from '../command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { refuseOnProtected } from '../reviewed-runs';
import { withTarget } from '../with-target';

export const baselineCommand = defineCommand({
  name: 'baseline',
  summary: 'mark change sets applied without running them [--to TAG]',
  usage: ['strata baseline (--env NAME | --database-url URL) [--to TAG] [--reason "…"] [--dir PATH]'],
  description: `Marks pending change sets (up to TAG) as applied without running them, for adopting a
database that already has the schema (like alembic stamp). Recorded as 'baseline'.`,
  flags: {
    to: valueFlag('TAG', 'mark up to this change set (tag or version number); default: every pending one'),
    reason: valueFlag('"…"', 'why, recorded in the history'),
    ...CONFIRM_FLAGS,
    ...TARGET_FLAGS,
    ...PROJECT_FLAGS,
    ...ACTOR_FLAGS,
  },
  run: (options) =>
    withTarget(options, async (target, project, config) => {
      assertConfirmed(target, options.confirm);
      refuseOnProtected(target, 'baseline');
      const tags = await auditedCli(options, target, config, 'baseline', () => baselineChangeSets(cliContext(options, target), project, { to: options.to, reason: options.reason }), (t) => ({
        outcome: 'ok',
        target: t.join(', ') || null,
        detail: options.reason ?? null,
      }));
      return { code: 0, text: tags.length ? `Marked as applied without running: ${tags.join(', ')}` : 'Nothing to baseline.', json: { baselined: tags } };
    }),
});
