import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole } from '../auth/console-db';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { applyChangeSets } from '../migrate/apply';
import { checkDrift } from '../migrate/drift';
import type { StoredExpectedSchema } from '../migrate/expected-schema';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { consoleExpectedSchemas } from './expected-schemas';
import { externalConfig } from '../../test/support/external-config';

let consoleDb: ScratchDatabase;
let target: ScratchDatabase;
let config: StrataConfig;
const deadUrl = 'postgres://strata:topsecret@localhost:1/gone';

const configFor = (consoleDatabaseUrl: string): StrataConfig => externalConfig({ consoleDatabaseUrl, shadowServerUrl: inject('pgAdminUrl') });

beforeAll(async () => {
  consoleDb = await createScratchDatabase('expected_console');
  target = await createScratchDatabase('expected_target');
  config = configFor(consoleDb.url);
});
afterAll(async () => {
  await closeConsole(config);
  await closeConsole(configFor(deadUrl));
  await Promise.all([consoleDb.drop(), target.drop()]);
});

const project = () =>
  readProject(
    writeFixtureProject([
      { name: 'a', up: 'create table public.a (id int primary key, name varchar(50));', down: 'drop table public.a;' },
      { name: 'b', up: "create type public.mood as enum ('ok', 'sad');\n--> statement-breakpoint\ncreate table public.b (id int primary key, a_id int references public.a (id), mood public.mood, at timestamptz default now());", down: 'drop table public.b; drop type public.mood;' },
    ]),
  );

describe('expected schemas in the console database', () => {
  it('keeps a replayed schema that later checks read back, finding the same drift as a replay', async () => {
    const p = project();
    await applyChangeSets(testContext(target.url), p);
    await target.sql.unsafe('create index a_name_by_hand on public.a (name); alter table public.b alter column at drop default;');
    const store = consoleExpectedSchemas(config);
    const computed = await checkDrift(testContext(target.url), p, { shadowServerUrl: inject('pgAdminUrl'), store });
    const cached = await checkDrift(testContext(target.url), p, { shadowServerUrl: inject('pgAdminUrl'), store });
    expect(computed.expected.source).toBe('computed');
    expect(cached.expected).toEqual({ ...computed.expected, source: 'cached' });
    expect(cached.diff).toEqual(computed.diff);
    expect(cached.diff.changes.map((c) => [c.kind, c.action, c.name])).toEqual([
      ['index', 'added', 'a_name_by_hand'],
      ['column', 'changed', 'at'],
    ]);
    const [row] = await consoleDb.sql`select applied, server_version, computed_ms from console.expected_schemas where key = ${computed.expected.key}`;
    expect(row).toMatchObject({ applied: p.changeSets.map((c) => ({ tag: c.tag, checksum: c.forward.checksum })), server_version: computed.expected.serverVersion });
  });

  it('lets two processes store the same key at once', async () => {
    const entry: StoredExpectedSchema = {
      key: `k-${Math.random()}`,
      applied: [{ tag: '0000_a', checksum: 'a'.repeat(64) }],
      serverVersion: 18,
      model: { serverVersion: '18.0', serverVersionNum: 180000, database: 'x', introspectedAt: new Date().toISOString(), schemas: [], tables: [], views: [], enums: [], extensions: [], inaccessibleSchemas: [] },
      computedAt: new Date().toISOString(),
      computedMs: 12,
    };
    // Two stores on two pools, as two console processes would have.
    const other = configFor(`${consoleDb.url}?application_name=other`);
    try {
      await Promise.all([consoleExpectedSchemas(config).put(entry), consoleExpectedSchemas(other).put({ ...entry, computedMs: 13 })]);
    } finally {
      await closeConsole(other);
    }
    const kept = await consoleExpectedSchemas(config).get(entry.key);
    expect(kept).toMatchObject({ key: entry.key, serverVersion: 18, model: entry.model });
  });

  it('still answers a drift check (replayed) when the console database is down', async () => {
    const p = project();
    const ctx = testContext(target.url);
    const report = await checkDrift(ctx, p, { shadowServerUrl: inject('pgAdminUrl'), store: consoleExpectedSchemas(configFor(deadUrl)) });
    expect(report.expected.source).toBe('computed');
    expect(ctx.logLines.filter((l) => l.level === 40)).toHaveLength(2);
    expect(JSON.stringify(ctx.logLines)).not.toContain('topsecret');
  });
});
