import { closeConsole } from '../../auth/console-db';
import { consoleExpectedSchemas } from '../../console/expected-schemas';
import { checkDrift, type DriftReport } from '../../migrate/drift';
import { cliContext } from '../cli-context';
import { defineCommand } from '../command';
import { driftText } from '../dry-run-text';
import { ACTOR_FLAGS, PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { shadowServerFor } from '../shadow-server';
import { withTarget } from '../with-target';

/** Exit 1 when the live schema differs from what its applied change sets produce. */
export const driftCommand = defineCommand({
  name: 'drift',
  summary: 'compare the live schema with what its applied change sets produce (exit 1 on drift)',
  usage: ['strata drift (--env NAME | --database-url URL) [--json]'],
  description: `Compares the live schema with the one the target's applied change sets produce, replayed
onto a shadow database: an index created by hand, a column changed outside migrations.
A configured environment shares the console's expected schemas (replayed once, then kept
in the console database); a bare --database-url is replayed every time. Takes no lock: it
reads the target in one snapshot, and while a migration holds the target's lock it answers
LOCKED instead of reporting half a migration as drift.`,
  flags: { ...TARGET_FLAGS, ...PROJECT_FLAGS, ...ACTOR_FLAGS },
  notes: 'Exit codes: 0 no drift, 1 drift found, 3 a migration holds the lock.',
  run: (options) =>
    withTarget(options, async (target, project, config) => {
      const store = target.name === null ? null : consoleExpectedSchemas(config);
      try {
        const report = await checkDrift(cliContext(options, target), project, { shadowServerUrl: shadowServerFor(target, config), store });
        return { code: report.drifted ? 1 : 0, text: `${driftText(report)}\n${expectedOriginText(report)}`, json: report };
      } finally {
        if (store) await closeConsole(config);
      }
    }),
});

function expectedOriginText({ expected }: DriftReport): string {
  return expected.source === 'cached'
    ? `Expected schema: kept since ${expected.computedAt} (its replay took ${expected.computedMs} ms).`
    : `Expected schema: replayed on a shadow database now, in ${expected.computedMs} ms.`;
}
