import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { stableModel } from '../cli/commands/docs';
import { introspectUrl } from '../introspect/introspect';
import { applyChangeSets } from '../migrate/apply';
import { readTarget } from '../migrate/read-status';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { DOC_FILES, renderProjectDocs } from './project-docs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoDir = path.join(root, 'drizzle/demo');
const committedDocs = path.join(demoDir, 'docs');

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('docs');
  await applyChangeSets(testContext(db.url), readProject(demoDir));
});
afterAll(async () => {
  await db.drop();
});

describe('project docs', () => {
  it('the committed demo docs are what the project generates today (CI fails when stale)', async () => {
    const project = readProject(demoDir);
    const files = await renderProjectDocs(project, stableModel(await introspectUrl(db.url)), { title: 'demo' });
    for (const name of DOC_FILES) {
      const committed = path.join(committedDocs, name);
      expect(fs.existsSync(committed), `${path.relative(root, committed)} is missing: run npm run strata -- docs --out drizzle/demo/docs`).toBe(true);
      expect(fs.readFileSync(committed, 'utf8'), `${path.relative(root, committed)} is stale: run npm run strata -- docs --out drizzle/demo/docs`).toBe(files[name]);
    }
  });

  it('documents every demo table, the ERD and every change set', async () => {
    const project = readProject(demoDir);
    const model = stableModel(await introspectUrl(db.url));
    const files = await renderProjectDocs(project, model, { title: 'demo' });
    for (const table of model.tables.filter((t) => t.kind !== 'partition')) expect(files['entity-dictionary.md']).toContain(table.name);
    expect(files['erd.md']).toMatch(/```mermaid\nerDiagram/);
    for (const changeSet of project.changeSets) expect(files['changelog.md']).toContain(`## ${changeSet.tag}`);
  });

  it('with a target, the change log says where each change set stands', async () => {
    const project = readProject(demoDir);
    const { history } = await readTarget(db.url, project);
    const files = await renderProjectDocs(project, await introspectUrl(db.url), { title: 'demo', history, target: 'scratch' });
    expect(files['changelog.md']).toContain('state on scratch');
    expect(files['changelog.md']).toMatch(/- State: applied by tester at \d{4}-/);
  });
});
