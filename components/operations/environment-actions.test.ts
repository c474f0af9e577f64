import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readColumn } from '@/lib/console/pipeline';
import { rollbackChangeSets } from '@/lib/migrate/rollback';
import { createScratchDatabase, type ScratchDatabase } from '@/test/support/scratch-database';
import { outOfOrderTarget } from '@/test/support/out-of-order-target';
import { testContext } from '@/test/support/run-context';
import { EnvironmentActions } from './environment-actions';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('actions');
});
afterEach(async () => {
  await db.drop();
});

/** The text of each rollback button, as the environment page renders it from the column it reads. */
function rollbackLabels(html: string): string[] {
  return [...html.matchAll(/<button[^>]*data-testid="operation-rollback"[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]!.replaceAll('&#x27;', "'"));
}

it('after an out-of-order apply, the rollback buttons name exactly the change sets the rollbacks undo', async () => {
  const project = await outOfOrderTarget(db.url);
  const environment = { name: 'test', url: db.url, protection: 'open' as const };
  const render = async () => {
    const column = await readColumn(environment, project);
    return renderToStaticMarkup(
      createElement(EnvironmentActions, {
        env: 'test',
        protection: 'open',
        capabilities: { role: 'operator', dryRun: true, rehearse: true, change: true, request: false, seed: true, reset: true, restore: true, restoreDryRun: true },
        pending: [],
        rollback: column.rollback!,
        blocked: false,
      }),
    );
  };

  const html = await render();
  // The journal's newest is 0003_d, but 0001_b was applied last: the one "last" undoes.
  expect(rollbackLabels(html)).toEqual(['Roll back last change set (0001_b)', 'Roll back to 0002, undoing 0003']);
  expect(html).toContain('0001_b</span> was applied after <span class="font-mono">0003_d</span>');
  const undone = await rollbackChangeSets(testContext(db.url), project, { steps: 1 });
  expect(undone.records.map((r) => r.tag)).toEqual(['0001_b']);

  // Back in journal order: the note goes, and "last" is 0003_d.
  const after = await render();
  expect(rollbackLabels(after)).toEqual(['Roll back last change set (0003_d)', 'Roll back to 0002, undoing 0003']);
  expect(after).not.toContain('rollback-last-note');
});
