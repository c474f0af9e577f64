import { StrataError } from '../../errors';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../migrate/run-context';
import { rehearse } from '../../rehearse/rehearse';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, valueFlag } from '../command';
import { ACTOR_FLAGS, durationText, PROJECT_FLAGS, TARGET_FLAGS, timeoutFlags } from '../flags';
import { rehearsalText } from '../rehearsal-text';
import { shadowServerFor } from '../shadow-server';
import { withTarget } from '../with-target';

/** Exit 1 when a change set failed on the copy: it would fail on the target too. */
export const rehearseCommand = defineCommand({
  name: 'rehearse',
  summary: 'run the pending change sets for real on a masked scratch copy of the target and measure locks, rewrites, WAL [--sample 10%]',
  usage: ['strata rehearse (--env NAME | --database-url URL) [--to TAG] [--sample 10%] [--json]'],
  description: `Copies the target into a scratch database on the shadow server — the schema by replaying
its applied change sets, the rows of the tables the plan touches (and of those they
reference) by COPY, with columns classified PII or secret masked on the target's side — and
runs the pending change sets there for real, with apply's runner. Prints per statement its
time, the locks it took and how long each was held, rows, whether tables were rewritten,
WAL bytes and temp files, then drops the copy. The target is only read.`,
  flags: {
    to: valueFlag('TAG', 'rehearse applying up to TAG (default: every pending change set)'),
    sample: valueFlag('N%', "copy that share of the rows of tables no other copied table references, like 10% or 0.1 (default 100%); referenced tables are copied whole so foreign keys hold"),
    ...timeoutFlags(`${durationText(DEFAULT_LOCK_TIMEOUT_MS)}`, `${durationText(DEFAULT_STATEMENT_TIMEOUT_MS)}`),
    ...TARGET_FLAGS,
    ...PROJECT_FLAGS,
    ...ACTOR_FLAGS,
  },
  notes: 'Exit codes: 0 every change set ran on the copy, 1 one failed there (it would fail on the target too).',
  run: (options) =>
    withTarget(options, async (target, project, config) => {
      const request = { to: options.to, sample: sampleOf(options.sample) };
      const report = await auditedCli(
        options,
        target,
        config,
        'rehearse',
        () => rehearse(cliContext(options, target), project, request, { scratchServerUrl: shadowServerFor(target, config) }),
        (r) => ({
          outcome: r.changeSets.some((c) => c.status === 'failed') ? 'failed' : 'ok',
          target: r.changeSets.map((c) => c.tag).join(', ') || null,
          detail: `rehearsal${r.sample < 1 ? ` of a ${+(r.sample * 100).toFixed(2)}% sample` : ''}: ${r.headlines[0] ?? 'no blocking lock'}`,
        }),
      );
      return { code: report.changeSets.some((c) => c.status === 'failed') ? 1 : 0, text: rehearsalText(report), json: report };
    }),
});

/** `10%` → 0.1, `0.1` → 0.1; the engine refuses what is not above 0 and at most 1. */
export function sampleOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(value.trim());
  if (!match) throw new StrataError('BAD_USAGE', `--sample takes a share of the rows like 10% or 0.1 (got "${value}")`);
  return match[2] ? Number(match[1]) / 100 : Number(match[1]);
}
