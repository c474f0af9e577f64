import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { loadConfig } from '../config/environments';
import { describeOperationError } from '../console/describe-error';
import { toClassificationMap } from '../erd/classification-map';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { computeRetention } from '../retention/compute';
import { policiesFor } from '../retention/load-policies';
import { seedDatabase, seedSetFor } from '../seed/run-seed';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { snapshot } from '../../test/support/seed-support';
import { loadProject } from './load-project';

/**
 * A second project beside the demo (test/fixtures/shelf: its own schema, change set, policy,
 * seed set and strata.config.ts), managed with --dir: what seed, retention and the console's
 * lookups show must be its own, never the demo's.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = path.join(root, 'test', 'fixtures');
const shelfDir = path.join(fixtures, 'shelf');
const shown = (file: string) => path.relative(process.cwd(), file);

/**
 * A throwaway copy of the shelf project at the same depth (test/fixtures/.tmp-…), so its
 * relative imports of lib/ and drizzle-orm resolve as the original's do; dot folders are
 * outside the type check. Removed after the file's tests.
 */
const copies: string[] = [];
function copyOfShelf(): string {
  const dir = fs.mkdtempSync(path.join(fixtures, '.tmp-shelf-'));
  fs.cpSync(shelfDir, dir, { recursive: true });
  copies.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a second project managed with --dir (test/fixtures/shelf)', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase('shelf');
    const applied = await applyChangeSets(testContext(db.url), readProject(shelfDir));
    expect(applied.failed).toBeFalsy();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('strata seed writes its own seed set, and a rerun leaves the same rows', async () => {
    const seeded = await cli('seed', '--database-url', db.url, '--dir', shelfDir);
    expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
    expect(seeded.stdout).toMatch(/^✓ shelf\.branches\s+2 rows/m);
    expect(seeded.stdout).toMatch(/^✓ shelf\.members\s+3 rows/m);
    expect(seeded.stdout).toMatch(/^✓ shelf\.loans\s+5 rows/m);
    expect(seeded.stdout).toMatch(/Seeded database: 3 tables, 10 rows written/);
    expect(await db.sql`select display_name from shelf.members where deleted_at is not null`).toEqual([{ display_name: 'Linus' }]);
    const once = await snapshot(db.sql, ['shelf']);
    expect(Object.keys(once)).toEqual(['shelf.branches', 'shelf.loans', 'shelf.members']);

    const again = await cli('seed', '--database-url', db.url, '--dir', shelfDir, '--json');
    expect(again, again.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(again.stdout).tables.map((t: { table: string }) => t.table)).toEqual(['shelf.branches', 'shelf.members', 'shelf.loans']);
    expect(await snapshot(db.sql, ['shelf'])).toEqual(once);
  });

  it('strata retention shows its policies, not the demo\'s', async () => {
    const text = await cli('retention', '--database-url', db.url, '--dir', shelfDir);
    expect(text, text.stderr).toMatchObject({ code: 0 });
    expect(text.stdout).toMatch(/^shelf\.loans\s+180 days\s/m);
    expect(text.stdout).toMatch(/^shelf\.members\s+14 days after deletion\s+PII\s/m);
    expect(text.stdout).toMatch(/^shelf\.branches\s+unclassified\s/m);
    expect(text.stdout).toContain('2 of 3 tables have a policy');
    // The demo's 35 policies would all be declared for tables this database lacks.
    expect(text.stdout).not.toContain('Policies for tables this database does not have');

    const json = JSON.parse((await cli('retention', '--database-url', db.url, '--dir', shelfDir, '--json')).stdout);
    expect(json.unmatchedPolicies).toEqual([]);
    const loans = json.tables.find((t: { table: string }) => t.table === 'shelf.loans');
    expect(loans.purgeSql).toBe(`DELETE FROM "shelf"."loans"\nWHERE "borrowed_at" < now() - interval '180 days';`);
    const [past] = await db.sql`select count(*)::int as n from shelf.loans where borrowed_at < ${json.computedAt}::timestamptz - interval '180 days'`;
    expect(loans.rowsPastRetention).toBe(past!.n);
  });

  it('the lookups the console\'s Retention, ERD and table pages make return its policies (STRATA_PROJECT_DIR)', async () => {
    const projectDir = loadConfig({ STRATA_PROJECT_DIR: shelfDir }).projectDir;
    const policies = await policiesFor(projectDir);
    expect(policies.map((p) => p.table)).toEqual(['shelf.loans', 'shelf.members']);
    const report = await computeRetention(db.url, policies, { environment: 'local' });
    expect(report.coverage).toEqual({ classified: 2, total: 3 });
    expect(report.unmatchedPolicies).toEqual([]);
    expect(report.tables.find((t) => t.table === 'shelf.loans')!.policy).toMatchObject({ basis: 'rolling-window', retentionDays: 180, timestampColumn: 'borrowed_at' });
    expect(toClassificationMap(policies)).toEqual({
      'shelf.loans': { table: [], columns: {} },
      'shelf.members': { table: ['PII'], columns: { email: ['PII'], display_name: ['PII'] } },
    });
    expect((await seedSetFor({ dir: projectDir })).name).toBe('shelf');
  });

  it('reset empties only the schemas its seed set manages', async () => {
    await db.sql`create table public.keep_me (id int primary key)`;
    await db.sql`insert into public.keep_me values (1)`;
    await db.sql`insert into shelf.branches values (99, 'Pop-up')`;
    const result = await seedDatabase(testContext(db.url), readProject(shelfDir), { reset: true });
    expect(result.truncated).toEqual(['shelf.branches', 'shelf.loans', 'shelf.members']);
    expect(await db.sql`select id from shelf.branches order by id`).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.sql`select id from public.keep_me`).toEqual([{ id: 1 }]);
  });
});

describe('a project without strata.config.ts', () => {
  it('has no policies (every table unclassified) and no seed set, said before anything connects', async () => {
    const dir = writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' }]);
    expect(await loadProject(dir)).toEqual({ configFile: null, definition: {} });
    expect(await policiesFor(dir)).toEqual([]);
    const seeded = await cli('seed', '--database-url', 'postgres://nobody@127.0.0.1:1/none', '--dir', dir);
    expect(seeded.code).toBe(2);
    expect(seeded.stderr).toMatch(/NOT_FOUND\]: no seed set for \S+: it has no strata\.config\.ts \(export default defineProject\(\{ seeds \}\) there to declare one\); nothing was seeded/);
  });

  it('a config that declares policies and no seeds says so', async () => {
    const dir = copyOfShelf();
    fs.writeFileSync(
      path.join(dir, 'strata.config.ts'),
      `import { defineProject } from '../../../lib/project/define-project';\nimport { shelfPolicies } from './policies';\n\nexport default defineProject({ policies: shelfPolicies });\n`,
    );
    expect(await policiesFor(dir)).toHaveLength(2);
    const error = await seedSetFor({ dir }).catch((e: unknown) => e);
    expect(isStrataError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe(`no seed set for ${shown(dir)}: ${shown(path.join(dir, 'strata.config.ts'))} declares none (add seeds to its defineProject({ … })); nothing was seeded`);
  });
});

describe('a config that fails to load', () => {
  /** The error policiesFor gives for a copy of the shelf project with `edit` applied. */
  async function failureOf(edit: (dir: string) => void): Promise<{ dir: string; error: unknown }> {
    const dir = copyOfShelf();
    edit(dir);
    return { dir, error: await policiesFor(dir).catch((e: unknown) => e) };
  }
  const replaceIn = (file: string, from: string, to: string) => {
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(file, text.replace(from, to));
  };

  it('a syntax error in a module it imports: MALFORMED_PROJECT naming the config and the file, line and column', async () => {
    const { dir, error } = await failureOf((d) => replaceIn(path.join(d, 'policies.ts'), 'retentionDays: 180,', 'retentionDays: 180 +,'));
    expect(isStrataError(error, 'MALFORMED_PROJECT')).toBe(true);
    const config = shown(path.join(dir, 'strata.config.ts'));
    expect((error as Error).message).toMatch(new RegExp(`^${config.replace(/\./g, '\\.')} could not be loaded: .*${shown(path.join(dir, 'policies.ts')).replace(/\./g, '\\.')}:\\d+:\\d+`));
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).not.toContain(root);
  });

  it('a policy naming a column the table does not have (a hand-edited file that skipped the type check)', async () => {
    const { dir, error } = await failureOf((d) => replaceIn(path.join(d, 'policies.ts'), "from: 'borrowedAt'", "from: 'borrowedOn' as 'borrowedAt'"));
    expect(isStrataError(error, 'MALFORMED_PROJECT')).toBe(true);
    expect((error as Error).message).toBe(`${shown(path.join(dir, 'strata.config.ts'))} could not be loaded: retention policy of shelf.loans: no column borrowedOn`);
  });

  it('an import that does not resolve names the module and the file importing it', async () => {
    const { dir, error } = await failureOf((d) => replaceIn(path.join(d, 'strata.config.ts'), "from './seeds'", "from './seed-set'"));
    expect(isStrataError(error, 'MALFORMED_PROJECT')).toBe(true);
    expect((error as Error).message).toBe(`${shown(path.join(dir, 'strata.config.ts'))} could not be loaded: Cannot find module './seed-set' (imported by ${shown(path.join(dir, 'strata.config.ts'))})`);
  });

  it('a default export that is not a project definition names the field and what is wrong with it', async () => {
    const wrongShape = await failureOf((d) => fs.writeFileSync(path.join(d, 'strata.config.ts'), `export default { policies: [{ table: 'loans', basis: 'rolling-window', retentionDays: 30, timestampColumn: 'borrowed_at', classification: [] }] };\n`));
    expect(isStrataError(wrongShape.error, 'MALFORMED_PROJECT')).toBe(true);
    expect((wrongShape.error as Error).message).toBe(
      `${shown(path.join(wrongShape.dir, 'strata.config.ts'))}: policies.0.table: must be schema.table (expected export default defineProject({ policies, seeds }))`,
    );
    const none = await failureOf((d) => fs.writeFileSync(path.join(d, 'strata.config.ts'), `export const policies = [];\n`));
    expect((none.error as Error).message).toBe(`${shown(path.join(none.dir, 'strata.config.ts'))}: it has no default export (expected export default defineProject({ policies, seeds }))`);
  });

  it('reaches every door with the same words, before anything connects: seed and retention on the CLI, the Retention page\'s message', async () => {
    const { dir, error } = await failureOf((d) => replaceIn(path.join(d, 'policies.ts'), "from: 'borrowedAt'", "from: 'borrowedOn' as 'borrowedAt'"));
    const message = (error as Error).message;
    const seeded = await cli('seed', '--database-url', 'postgres://nobody@127.0.0.1:1/none', '--dir', dir);
    expect(seeded.code).toBe(1);
    expect(seeded.stderr).toContain(`[MALFORMED_PROJECT]: ${message}`);
    const retention = await cli('retention', '--database-url', 'postgres://nobody@127.0.0.1:1/none', '--dir', dir);
    expect(retention.code).toBe(1);
    expect(retention.stderr).toContain(`[MALFORMED_PROJECT]: ${message}`);
    expect(describeOperationError(error)).toMatchObject({ status: 500, code: 'MALFORMED_PROJECT', message });
  });
});

describe('loading at run time', () => {
  it('is cached while the files the config evaluated are unchanged, and reloaded when one of them changes', async () => {
    const dir = copyOfShelf();
    const first = await policiesFor(dir);
    expect(await policiesFor(dir)).toBe(first);
    expect(first.find((p) => p.table === 'shelf.loans')!.retentionDays).toBe(180);

    // An edit to policies.ts (imported by the config, not the config itself) shows on the next load.
    const file = path.join(dir, 'policies.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('retentionDays: 180,', 'retentionDays: 1095,'));
    const edited = await policiesFor(dir);
    expect(edited).not.toBe(first);
    expect(edited.find((p) => p.table === 'shelf.loans')!.retentionDays).toBe(1095);
    expect(await policiesFor(dir)).toBe(edited);

    // A config removed: the project declares nothing again.
    fs.rmSync(path.join(dir, 'strata.config.ts'));
    expect(await policiesFor(dir)).toEqual([]);
  });
});
