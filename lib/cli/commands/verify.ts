import { readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { engineLogger } from '../../observability/logger';
import { verifyProject } from '../../verify/round-trip';
import type { VerifyReport } from '../../verify/types';
import { defineCommand, valueFlag, type CommandOutput, type OptionValues } from '../command';
import { PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { choicesText, chooseFormat } from '../formats/choose-format';
import { verifyJunit } from '../formats/junit';
import { shadowServerFor } from '../shadow-server';
import { withReachableTarget } from '../with-target';

/**
 * `verify [--dir PATH] [--env NAME | --database-url URL] [--json]`: round-trips every change
 * set on a shadow database (apply, roll back, compare, apply again, compare). The shadow is
 * made on the target's server when one is given, else on the console's (STRATA_SHADOW_DATABASE_URL
 * overrides both); the target itself is never touched. Exit 1 unless every change set is ok.
 */
const verify = async (options: OptionValues<typeof VERIFY_FLAGS>): Promise<CommandOutput> => {
  const format = chooseFormat(options, VERIFY_FORMATS);
  const config = loadConfig();
  const project = readProject(options.dir ?? config.projectDir);
  const run = (server: string) => verifyProject(server, project, { logger: engineLogger() });
  let report: VerifyReport;
  if (options.env || options.databaseUrl) {
    report = await withReachableTarget(options, (target) => run(shadowServerFor(target, config)));
  } else {
    const embedded = await ensureEmbeddedRunning(config, engineLogger());
    try {
      report = await run(process.env.STRATA_SHADOW_DATABASE_URL || config.shadowServerUrl);
    } finally {
      await embedded?.stop();
    }
  }
  return { code: report.ok ? 0 : 1, text: format === 'junit' ? verifyJunit(report) : verifyText(report), json: report };
};

export function verifyText(report: VerifyReport): string {
  const lines: string[] = [];
  for (const c of report.changeSets) {
    const mark = c.verdict === 'ok' ? '✓' : c.verdict === 'not-run' ? '·' : '✗';
    const idempotent = c.claimsIdempotent ? ' (idempotent: applied over itself too)' : '';
    lines.push(`${mark} ${c.tag}${c.verdict === 'ok' ? '' : `  ${c.verdict}`}${idempotent}`);
    for (const s of c.steps.filter((x) => !x.ok)) {
      if (s.detail) lines.push(`    ${s.step}: ${s.detail}`);
      for (const d of s.differences ?? []) lines.push(`    ${s.step}: ${d}`);
    }
    // The static reading explains a failed idempotency check; on a passing one it is noise.
    if (c.verdict === 'not-idempotent') for (const u of c.guards?.unguarded ?? []) lines.push(`    unguarded: ${u}`);
    if (c.shadowRebuilt) lines.push('    (it left the shadow unlike a plain apply: the next change set ran on a fresh shadow)');
    if (c.notRunBecause) lines.push(`    not run: ${c.notRunBecause}`);
  }
  const bad = report.changeSets.filter((c) => c.verdict !== 'ok');
  const tally = Object.entries(report.counts)
    .filter(([verdict, n]) => n > 0 && verdict !== 'ok')
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ');
  lines.push(
    '',
    `${report.changeSets.length - bad.length} of ${report.changeSets.length} change sets round-trip (apply → rollback → same schema → re-apply → same schema)${tally ? `; ${tally}` : ''}, in ${(report.durationMs / 1000).toFixed(1)} s.`,
  );
  return lines.join('\n');
}

/** text (the default) for people; junit for a CI test report. */
const VERIFY_FORMATS = ['text', 'junit'] as const;

const VERIFY_FLAGS = {
  format: valueFlag('F', `${choicesText(VERIFY_FORMATS)} (default text): junit is JUnit XML, one test case per change set and step`),
  ...PROJECT_FLAGS,
  ...TARGET_FLAGS,
};

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'round-trip every change set on a shadow database (exit 1 on a mismatch) [--format junit]',
  usage: ['strata verify [--dir PATH] [--env NAME | --database-url URL] [--json | --format text|junit]'],
  description: `Round-trips every change set of the project on a shadow database: applies it,
rolls it back and compares the schema with the one before (must be identical), applies it
again and compares with the first apply (identical), and, when its forward file says
\`-- strata:idempotent\`, applies it once more over itself (lines without IF NOT EXISTS,
IF EXISTS or OR REPLACE are listed when that fails). Each change set is judged on a shadow
holding a plain apply of everything before it: when one leaves the shadow otherwise (a
failed re-apply, a no-transaction rollback that stopped half-way), a fresh shadow is built
up to it. A forward apply that fails ends the run; the rest is marked not run. The shadow is
made on the target's server when --env or --database-url is given (never in the target
itself), else on the console's (STRATA_SHADOW_DATABASE_URL overrides), and is always dropped.`,
  flags: VERIFY_FLAGS,
  notes: `Exit 1 unless every change set round-trips: a rollback that leaves an index or a column
behind, a rollback PostgreSQL refuses, a missing rollback file, a re-apply that differs.

In CI: --format junit > verify.xml for a test reporter: one test suite, one test case per
change set and step (apply, rollback, compare-before, reapply, compare-first, idempotent
when claimed; classname the tag), a failed step with PostgreSQL's message or the
differences, a step that did not run skipped with the reason. See docs/ci.md.`,
  run: verify,
});
