import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';

function golangMigrateSource(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-cli-'));
  fs.writeFileSync(path.join(dir, '1_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY);');
  fs.writeFileSync(path.join(dir, '1_users.down.sql'), 'DROP TABLE users;');
  fs.writeFileSync(path.join(dir, '2_index.up.sql'), 'CREATE INDEX ix_users_id ON users (id);');
  return dir;
}

describe('strata import', () => {
  it('writes a project the other commands read, and prints what was flagged', async () => {
    const src = golangMigrateSource();
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-cli-out-')), 'project');
    const run = await cli('import', '--from', 'golang-migrate', src, '--out', out);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`Imported 2 migrations from golang-migrate into ${out} (1 without rollback, 0 outside a transaction, 1 flagged).`);
    expect(run.stdout).toContain('2_index.up.sql: no down migration: the change set cannot be rolled back');
    const lint = await cli('lint', '--dir', out, '--json');
    expect(JSON.parse(lint.stdout).changeSets.map((c: { tag: string }) => c.tag)).toEqual(['0000_users', '0001_index']);
  });

  it('--json prints the report: every change set with its source, and everything flagged', async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-cli-diesel-'));
    for (const [dir, up, down] of [
      ['2024-10-25-112826_make-unique', 'CREATE TABLE v (n int);', 'DROP TABLE v;'],
      ['2024-10-26-000000_broken', 'ALTER TABLE v ADD COLUMN a int\nALTER TABLE v ADD COLUMN b int;', null],
    ] as const) {
      fs.mkdirSync(path.join(src, dir));
      fs.writeFileSync(path.join(src, dir, 'up.sql'), up);
      if (down) fs.writeFileSync(path.join(src, dir, 'down.sql'), down);
    }
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-cli-out-')), 'project');
    const run = await cli('import', '--from', 'diesel', src, '--out', out, '--json');
    expect(run, run.stderr).toMatchObject({ code: 0 });
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ format: 'diesel', out, skipped: [] });
    expect(report.changeSets.map((c: { tag: string; source: string; hasRollback: boolean }) => [c.tag, c.source, c.hasRollback])).toEqual([
      ['0000_make-unique', '2024-10-25-112826_make-unique/up.sql', true],
      ['0001_broken', '2024-10-26-000000_broken/up.sql', false],
    ]);
    expect(report.flagged).toEqual([
      { source: '2024-10-26-000000_broken/up.sql', problem: 'does not parse (line 2): syntax error at or near "ALTER"' },
      { source: '2024-10-26-000000_broken/up.sql', problem: 'no down migration: the change set cannot be rolled back' },
    ]);
    // Text output: the summary first, then each flagged item.
    const again = await cli('import', '--from', 'diesel', src, '--out', out, '--force');
    expect(again.stdout.split('\n').slice(0, 1)).toEqual([`Imported 2 migrations from diesel into ${out} (1 without rollback, 0 outside a transaction, 2 flagged).`]);
    expect(again.stdout).toContain('  2024-10-26-000000_broken/up.sql: does not parse (line 2): syntax error at or near "ALTER"');
  });

  it('refuses bad usage with exit 2 and writes nothing', async () => {
    const src = golangMigrateSource();
    const out = path.join(os.tmpdir(), `strata-import-none-${process.pid}`);
    expect((await cli('import', '--from', 'flyway', src, '--out', out)).stderr).toMatch(/BAD_USAGE.*--from must be one of sql, golang-migrate, dbmate, diesel/);
    expect((await cli('import', '--from', 'diesel', src)).stderr).toMatch(/BAD_USAGE.*needs --out/);
    const noSource = await cli('import', '--from', 'diesel', '--out', out);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/takes one source folder/);
    expect(fs.existsSync(out)).toBe(false);
    const missing = await cli('import', '--from', 'golang-migrate', path.join(src, 'nope'), '--out', out);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toMatch(/nope is not a folder/);
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    const full = await cli('import', '--from', 'golang-migrate', src, '--out', out);
    expect(full).toMatchObject({ code: 2 });
    expect(full.stderr).toMatch(/exists and is not empty/);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });
});
