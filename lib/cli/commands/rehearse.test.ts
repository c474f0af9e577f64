import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { connect } from '../../db/client';
import { cli } from '../../../test/support/cli-runner';
import { catalogFingerprint } from '../../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';
import { sampleOf } from './rehearse';

async function scratchDatabases(): Promise<string[]> {
  const admin = connect(inject('pgAdminUrl'), { max: 1 });
  try {
    return (await admin`select datname from pg_database where datname like 'strata_shadow_%' order by 1`).map((r) => String(r.datname));
  } finally {
    await admin.end();
  }
}

describe('strata rehearse', () => {
  const saved = { ...process.env };
  let target: ScratchDatabase;
  let consoleDb: ScratchDatabase;
  const dir = writeFixtureProject([
    { name: 'items', up: 'create table public.items (id int primary key, n int not null);' },
    { name: 'retype', up: 'alter table public.items alter column n type bigint;' },
  ]);
  beforeEach(async () => {
    target = await createScratchDatabase('reh_cli');
    consoleDb = await createScratchDatabase('reh_cli_console');
    Object.assign(process.env, {
      STRATA_ENVIRONMENTS: 'stage',
      STRATA_ENV_STAGE_URL: target.url,
      STRATA_ENV_STAGE_PROTECTION: 'protected',
      STRATA_CONSOLE_DATABASE_URL: consoleDb.url,
      STRATA_SHADOW_DATABASE_URL: inject('pgAdminUrl'),
      STRATA_AUDIT_KEY: 'test-audit-key-0123456789abcdef',
      AUTH_SECRET: 'test-auth-secret-0123456789abcdef',
    });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await target.drop();
    await consoleDb.drop();
  });

  async function withItems(): Promise<void> {
    await target.sql.unsafe(`create table public.items (id int primary key, n int not null); insert into public.items select g, g from generate_series(1, 5000) g`);
    // Adopt the first change set as applied, as a real environment would have it (apply runs on protected only by request).
    const applied = await cli('baseline', '--database-url', target.url, '--dir', dir, '--to', '0000_items');
    if (applied.code !== 0) throw new Error(applied.stderr);
  }

  it('rehearses a protected environment (it is only read), prints the lock and the rewrite, and is audited', async () => {
    await withItems();
    const before = { catalog: await catalogFingerprint(target.sql), rows: await target.sql`select * from public.items order by id` };
    const text = await cli('rehearse', '--env', 'stage', '--dir', dir);
    expect(text, text.stderr).toMatchObject({ code: 0 });
    expect(text.stdout).toMatch(/Rehearsal of 1 change set\(s\) on a scratch copy of stage/);
    expect(text.stdout).toMatch(/public\.items: 5,000 rows/);
    expect(text.stdout).toMatch(/ACCESS EXCLUSIVE on public\.items for \d+ ms; table rewritten/);
    const json = await cli('rehearse', '--env', 'stage', '--dir', dir, '--json', '--sample', '10%');
    expect(json, json.stderr).toMatchObject({ code: 0 });
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ environment: 'stage', sample: 0.1, to: '0001_retype', scratchDropped: true });
    expect(report.changeSets[0].statements[0].rewritten).toEqual(['public.items']);
    expect(await scratchDatabases()).not.toContain(report.scratchDatabase);
    expect({ catalog: await catalogFingerprint(target.sql), rows: await target.sql`select * from public.items order by id` }).toEqual(before);
    const audit = await consoleDb.sql`select action, environment, outcome from console.audit_log where action = 'rehearse' and outcome <> 'started' order by id`;
    expect(audit).toEqual([
      { action: 'rehearse', environment: 'stage', outcome: 'ok' },
      { action: 'rehearse', environment: 'stage', outcome: 'ok' },
    ]);
  });

  it('refuses an unknown environment, an unknown tag and a sample of 0, 150% or "ten" with exit 2, before it touches the scratch server', async () => {
    await withItems();
    // Nobody listens there: a refusal that came after creating the copy would be a connection failure instead.
    process.env.STRATA_SHADOW_DATABASE_URL = 'postgres://nobody:nothing@127.0.0.1:1/postgres';
    const unknownEnv = await cli('rehearse', '--env', 'nope', '--dir', dir);
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.stderr).toMatch(/nope/);
    const unknownTag = await cli('rehearse', '--env', 'stage', '--dir', dir, '--to', '0042_nope');
    expect(unknownTag.code).toBe(2);
    expect(unknownTag.stderr).toMatch(/0042_nope/);
    for (const sample of ['0', '0%', '150%', '1.5']) {
      const bad = await cli('rehearse', '--env', 'stage', '--dir', dir, '--sample', sample);
      expect(bad.code, `${sample}: ${bad.stderr}`).toBe(2);
      expect(bad.stderr).toMatch(/sample is a fraction of each table's rows above 0 and at most 1/);
    }
    const words = await cli('rehearse', '--env', 'stage', '--dir', dir, '--sample', 'ten');
    expect(words.code).toBe(2);
    expect(words.stderr).toMatch(/--sample takes a share of the rows like 10% or 0\.1 \(got "ten"\)/);
    const reached = await cli('rehearse', '--env', 'stage', '--dir', dir, '--sample', '10%');
    expect(reached.code).toBe(1);
    expect(reached.stderr).toMatch(/Cannot connect to postgres:\/\/nobody/);
    const [history] = await target.sql`select count(*)::int as n from strata.change_log`;
    expect(history?.n).toBe(1);
  });

  it('reads --sample as a percentage or a fraction', () => {
    expect(sampleOf('10%')).toBe(0.1);
    expect(sampleOf('0.25')).toBe(0.25);
    expect(sampleOf('100%')).toBe(1);
    expect(sampleOf(undefined)).toBeUndefined();
  });
});
