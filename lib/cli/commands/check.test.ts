import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { copyMigrations } from '../../../test/support/drizzle-kit-v1';
import { writeFixtureProject } from '../../../test/support/fixture-project';

/** `strata check` and `strata draft-rollback` as a CI job runs them: exit codes, words and --json. */
const FIXTURE = path.resolve('test/fixtures/drizzle-v1');
const FOLDERS = ['20261206195512_authors', '20261206195514_books', '20261206195516_author_bio'];

describe('strata check', () => {
  it('passes the drizzle-kit 1.0 fixture and a 0.x journal project, exit 0', async () => {
    const ok = await cli('check', '--dir', FIXTURE);
    expect(ok).toMatchObject({ code: 0, stdout: '3 migrations checked: nothing to fix.\n' });
    const journal = await cli('check', '--dir', writeFixtureProject([{ name: 'a', up: 'select 1;' }]));
    expect(journal).toMatchObject({ code: 0, stdout: '1 migrations checked: nothing to fix.\n' });
  });

  it('fails a 0.x journal project whose snapshots fork, exit 1, in words and in --json', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-check-journal-'));
    fs.cpSync(path.resolve('drizzle/demo/migrations'), path.join(dir, 'migrations'), { recursive: true });
    const meta = path.join(dir, 'migrations', 'meta');
    // A second branch's 0020, generated from 0018's schema like 0019 was: a fork at 0018.
    const base = JSON.parse(fs.readFileSync(path.join(meta, '0018_snapshot.json'), 'utf8'));
    fs.writeFileSync(path.join(meta, '0020_snapshot.json'), JSON.stringify({ ...base, id: '11111111-1111-4111-8111-111111111111', prevId: base.id }));
    fs.writeFileSync(path.join(dir, 'migrations', '0020_branch.sql'), 'SELECT 1;');
    const journal = JSON.parse(fs.readFileSync(path.join(meta, '_journal.json'), 'utf8'));
    journal.entries.push({ idx: 20, version: '7', when: journal.entries.at(-1).when + 1, tag: '0020_branch', breakpoints: true });
    fs.writeFileSync(path.join(meta, '_journal.json'), JSON.stringify(journal));
    const text = await cli('check', '--dir', dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('error  0019_platform_usage_events_total_tokens, 0020_branch\n    0019_platform_usage_events_total_tokens and 0020_branch were generated on two branches from the same parent, 0018_platform_usage_events_fk_indexes');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('21 migrations checked: 1 problem to fix before applying.');
    const json = await cli('check', '--dir', dir, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ migrations: 21, errors: 1, problems: [{ kind: 'conflicting-branches', severity: 'error', folders: ['0019_platform_usage_events_total_tokens', '0020_branch'] }] });
  });

  it('fails two folders of the same second with exit 1, in words and in --json', async () => {
    const dir = copyMigrations(FIXTURE, FOLDERS.slice(0, 2));
    fs.cpSync(path.join(dir, 'migrations', FOLDERS[1]!), path.join(dir, 'migrations', '20261206195514_later'), { recursive: true });
    const text = await cli('check', '--dir', dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`error  ${FOLDERS[1]}, 20261206195514_later\n    ${FOLDERS[1]} and 20261206195514_later have the same timestamp (20261206195514)`);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('3 migrations checked: 3 problems to fix before applying.');
    const json = await cli('check', '--dir', dir, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).problems.map((p: { kind: string }) => p.kind)).toEqual(['same-timestamp', 'same-snapshot-id', 'conflicting-branches']);
  });

  it('says a folder that is no Drizzle project is none, exit 1', async () => {
    const result = await cli('check', '--dir', fs.mkdtempSync(path.join(os.tmpdir(), 'strata-empty-')));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No drizzle journal at .* and no migration folders/);
  });
});

describe('strata draft-rollback', () => {
  it('writes the draft, refuses to overwrite it, and prints with --print', async () => {
    const dir = copyMigrations(FIXTURE, FOLDERS);
    fs.rmSync(path.join(dir, 'migrations', FOLDERS[2]!, 'rollback.sql'));
    const wrote = await cli('draft-rollback', FOLDERS[2]!, '--dir', dir);
    expect(wrote).toMatchObject({ code: 0 });
    expect(wrote.stdout).toBe(`Wrote migrations/${FOLDERS[2]}/rollback.sql (1 statement, back to ${FOLDERS[1]}), marked as a draft: review it, then delete its -- strata:draft-rollback lines.\n`);
    expect(fs.readFileSync(path.join(dir, 'migrations', FOLDERS[2]!, 'rollback.sql'), 'utf8')).toMatch(/^-- strata:draft-rollback\n[\s\S]*ALTER TABLE "authors" DROP COLUMN "bio";\n$/);
    const again = await cli('draft-rollback', FOLDERS[2]!, '--dir', dir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`migrations/${FOLDERS[2]}/rollback.sql exists; nothing was written (pass --force to replace it with a draft)`);
    const printed = await cli('draft-rollback', '0', '--dir', dir, '--print');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^-- strata:draft-rollback\n[\s\S]*DROP TABLE "authors";\n$/);
  });

  it('refuses no tag, two tags, and an unknown tag, writing nothing', async () => {
    const dir = copyMigrations(FIXTURE, FOLDERS);
    const before = fs.readdirSync(path.join(dir, 'migrations', FOLDERS[0]!));
    expect((await cli('draft-rollback', '--dir', dir)).stderr).toMatch(/draft-rollback takes one migration: strata draft-rollback TAG/);
    expect((await cli('draft-rollback', 'a', 'b', '--dir', dir)).stderr).toMatch(/draft-rollback takes one migration/);
    const unknown = await cli('draft-rollback', 'nope', '--dir', dir);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/No change set "nope"/);
    expect(fs.readdirSync(path.join(dir, 'migrations', FOLDERS[0]!))).toEqual(before);
  });
});
