import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../testing/cli-runner';

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

  it('refuses bad usage with exit 2 and writes nothing', async () => {
    const src = golangMigrateSource();
    const out = path.join(os.tmpdir(), `strata-import-none-${process.pid}`);
    expect((await cli('import', '--from', 'flyway', src, '--out', out)).stderr).toMatch(/BAD_USAGE.*--from must be one of sql, golang-migrate, dbmate, diesel/);
    expect((await cli('import', '--from', 'diesel', src)).stderr).toMatch(/BAD_USAGE.*needs --out/);
    const noSource = await cli('import', '--from', 'diesel', '--out', out);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/takes one source folder/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
