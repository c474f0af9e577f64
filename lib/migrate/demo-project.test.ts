import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { readTarget } from './read-status';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoDir = path.join(root, 'drizzle/demo');

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('demo');
});
afterEach(async () => {
  await db.drop();
});

describe('the demo project (drizzle/demo)', () => {
  it('has a rollback file for every change set, and every file parses', async () => {
    const project = readProject(demoDir);
    expect(project.changeSets.length).toBeGreaterThanOrEqual(18);
    expect(project.changeSets.filter((c) => !c.rollback).map((c) => c.tag)).toEqual([]);
  });

  it('full apply → full rollback → re-apply leaves an identical catalog each time', async () => {
    const project = readProject(demoDir);
    const empty = await catalogFingerprint(db.sql);
    const applied = await applyChangeSets(testContext(db.url), project);
    expect(applied.failed).toBeNull();
    expect(applied.records).toHaveLength(project.changeSets.length);
    const afterApply = await catalogFingerprint(db.sql);
    for (const schema of ['platform', 'dataservice', 'lifegraph', 'files', 'risk']) expect(afterApply).toContain(`schema ${schema}`);

    const rolled = await rollbackChangeSets(testContext(db.url), project, { all: true });
    expect(rolled.failed).toBeNull();
    expect(await catalogFingerprint(db.sql)).toEqual(empty);

    await applyChangeSets(testContext(db.url), project);
    expect(await catalogFingerprint(db.sql)).toEqual(afterApply);
    const { status } = await readTarget(db.url, project);
    expect(status.schemaVersion).toBe(project.changeSets.at(-1)!.tag);
  });

  it('each change set rolls back to exactly the catalog before it', async () => {
    const project = readProject(demoDir);
    for (const changeSet of project.changeSets) {
      const before = await catalogFingerprint(db.sql);
      await applyChangeSets(testContext(db.url), project, { to: changeSet.tag });
      const after = await catalogFingerprint(db.sql);
      await rollbackChangeSets(testContext(db.url), project);
      expect(await catalogFingerprint(db.sql), `rollback of ${changeSet.tag}`).toEqual(before);
      await applyChangeSets(testContext(db.url), project, { to: changeSet.tag });
      expect(await catalogFingerprint(db.sql), `re-apply of ${changeSet.tag}`).toEqual(after);
    }
  });

  it('drizzle-kit generate finds no pending changes: the schema code and the migrations agree', () => {
    // drizzle-kit prefixes "./" to --out, so the copy must sit below the working directory.
    fs.mkdirSync(path.join(root, '.strata'), { recursive: true });
    const out = fs.mkdtempSync(path.join(root, '.strata', 'generate-check-'));
    fs.cpSync(path.join(demoDir, 'migrations'), out, { recursive: true });
    const before = fs.readdirSync(out).sort();
    // drizzle-kit 0.31's own bin.cjs, not node_modules/.bin/drizzle-kit: the drizzle-kit-v1 alias
    // (drizzle-kit 1.0) declares the same bin name, and npm may link that one there instead.
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/drizzle-kit/bin.cjs'), 'generate', '--dialect', 'postgresql', '--schema', 'drizzle/demo/schema', '--out', path.relative(root, out)],
      { cwd: root, encoding: 'utf8', input: '' },
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/No schema changes, nothing to migrate/);
    expect(fs.readdirSync(out).sort()).toEqual(before);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
