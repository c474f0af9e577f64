import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { cli } from '../../test/support/cli-runner';
import { milliseconds } from './cli-context';

let db: ScratchDatabase;
let dir: string;
beforeAll(async () => {
  db = await createScratchDatabase('cli');
  dir = writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
    { name: 'b', up: 'create table public.b (id int);', down: 'drop table public.b;' },
  ]);
});
afterAll(async () => {
  await db.drop();
});

describe('strata CLI', () => {
  it('prints help with exit 0, and for every command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Exit codes: 0 done, 1 failed \(or drift found\), 2 bad usage or unconfirmed, 3 target locked/);
    for (const command of ['status', 'history', 'apply', 'rollback', 'resolve', 'baseline', 'introspect', 'erd', 'docs', 'plan', 'drift', 'backup']) {
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`strata ${command}`);
    }
  });

  it('exits 2 on unknown commands, unknown flags, an unknown environment, a bad URL or no target', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('apply', '--bogus')).code).toBe(2);
    const unknownEnv = await cli('apply', '--env', 'nowhere', '--dir', dir);
    expect(unknownEnv).toMatchObject({ code: 2 });
    expect(unknownEnv.stderr).toMatch(/UNKNOWN_ENVIRONMENT.*Unknown environment "nowhere" \(known: local, staging, production; fleets: tenants\)/);
    const badUrl = await cli('apply', '--database-url', 'mysql://user:hunter2@host/db', '--dir', dir);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/must start with postgres:\/\//);
    expect(badUrl.stderr).not.toContain('hunter2');
    const noTarget = await cli('apply', '--dir', dir);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/Give --env NAME or --database-url URL/);
  });

  it('exits 1 with a clear message when the server is unreachable, without the password', async () => {
    const result = await cli('status', '--database-url', 'postgres://me:s3cret-pw@localhost:1/nothing', '--dir', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CONNECTION_FAILED.*Cannot connect to postgres:\/\/me:\*\*\*@localhost:1\/nothing/);
    expect(result.stderr).not.toContain('s3cret-pw');
  });

  it('exits 1 on a missing project folder, changing nothing', async () => {
    const result = await cli('apply', '--database-url', db.url, '--dir', '/nonexistent/project');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/MALFORMED_PROJECT.*Project folder not found/);
    expect((await db.sql`select to_regclass('strata.change_log') as t`)[0]!.t).toBeNull();
  });

  it('applies, reports status and history as JSON, and rolls back', async () => {
    const applied = await cli('apply', '--database-url', db.url, '--dir', dir, '--json', '--actor', 'ci-bot');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout).records.map((r: { tag: string }) => r.tag)).toEqual(['0000_a', '0001_b']);
    const status = JSON.parse((await cli('status', '--database-url', db.url, '--dir', dir, '--json')).stdout);
    expect(status).toMatchObject({ schemaVersion: '0001_b', counts: { applied: 2, pending: 0 } });
    expect(status.changeSets[1]).toMatchObject({ tag: '0001_b', state: 'applied', appliedBy: expect.stringMatching(/^cli:\S+ \(as ci-bot\)$/), hasRollback: true });
    const text = await cli('status', '--database-url', db.url, '--dir', dir);
    expect(text.stdout).toMatch(/schema version 0001_b; 2 applied, 0 pending/);
    const rolled = await cli('rollback', '--database-url', db.url, '--dir', dir, '--steps', '2');
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toMatch(/✓ 0001_b rolled_back[\s\S]*✓ 0000_a rolled_back/);
    const history = JSON.parse((await cli('history', '--database-url', db.url, '--dir', dir, '--json')).stdout);
    expect(history.map((h: { tag: string; operation: string }) => `${h.operation} ${h.tag}`)).toEqual(['rollback 0000_a', 'rollback 0001_b', 'apply 0001_b', 'apply 0000_a']);
  });

  it('resolve needs --as and a reason', async () => {
    expect((await cli('resolve', '0000_a', '--database-url', db.url, '--dir', dir)).stderr).toMatch(/needs --as retry\|applied\|rolled-back/);
    const noReason = await cli('resolve', '0000_a', '--as', 'retry', '--database-url', db.url, '--dir', dir);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/needs --reason/);
  });

  it('introspect and erd read any database; a bad --format is a usage error', async () => {
    await cli('apply', '--database-url', db.url, '--dir', dir);
    const model = JSON.parse((await cli('introspect', '--database-url', db.url, '--json')).stdout);
    expect(model.tables.map((t: { id: string }) => t.id)).toEqual(['public.a', 'public.b']);
    const text = await cli('introspect', '--database-url', db.url);
    expect(text.stdout).toMatch(/public\s+2\s+0\s+2/);
    const mermaid = await cli('erd', '--database-url', db.url, '--format', 'mermaid');
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^erDiagram/);
    expect((await cli('erd', '--database-url', db.url, '--format', 'dbml')).stdout).toContain('Table "public"."a"');
    expect((await cli('erd', '--database-url', db.url, '--format', 'markdown')).stdout).toContain('`public.b`');
    const bad = await cli('erd', '--database-url', db.url, '--format', 'png');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of mermaid, dbml, markdown/);
    expect((await cli('docs', '--database-url', db.url)).stderr).toMatch(/docs needs --out DIR/);
  });

  it('parses durations', () => {
    expect(milliseconds('5s', '--x')).toBe(5000);
    expect(milliseconds('250ms', '--x')).toBe(250);
    expect(milliseconds('2min', '--x')).toBe(120000);
    expect(() => milliseconds('soon', '--x')).toThrow(/--x takes a duration/);
  });
});
