import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from '../migrate/apply';
import { renderMetrics } from '../observability/metrics';
import { allEnvironmentHealth } from './environment-health';
import { publicHealth } from './public-health';
import packageJson from '../../package.json';
import { externalConfig } from '../../test/support/external-config';

let db: ScratchDatabase;
let config: StrataConfig;
const deadUrl = 'postgres://strata:topsecret@localhost:1/gone';

beforeAll(async () => {
  db = await createScratchDatabase('health');
  const dir = writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int);' },
    { name: 'b', up: "create table public.b (id int);\n--> statement-breakpoint\ninsert into public.b values (1), (2), (3);" },
    { name: 'c', up: 'create table public.c (id int);' },
  ]);
  await applyChangeSets(testContext(db.url), readProject(dir), { to: '0001_b' });
  config = externalConfig({
    projectDir: dir,
    consoleDatabaseUrl: db.url,
    shadowServerUrl: db.url,
    environments: [
      { name: 'staging', url: db.url, protection: 'guarded' },
      { name: 'broken', url: deadUrl, protection: 'protected' },
    ],
  });
});
afterAll(async () => {
  await db.drop();
});

describe('environment health', () => {
  it('reports version, last migration, pending and failed per environment, and unreachable ones', async () => {
    const [staging, broken] = await allEnvironmentHealth(config);
    expect(staging).toMatchObject({
      name: 'staging',
      protection: 'guarded',
      reachable: true,
      schemaVersion: '0001_b',
      schemaVersionIndex: 1,
      totalChangeSets: 3,
      applied: 2,
      pending: 1,
      failed: 0,
      error: null,
    });
    expect(Date.now() - Date.parse(staging!.lastMigrationAt!)).toBeLessThan(60 * 60_000);
    expect(broken).toMatchObject({ name: 'broken', reachable: false, schemaVersion: null });
    expect(broken!.error).toMatch(/^Cannot connect: .*ECONNREFUSED/);
    expect(JSON.stringify([staging, broken])).not.toMatch(/topsecret|postgres:\/\//);
  });
});

describe('public health (GET /api/health for callers who are not signed in)', () => {
  it('says only status, version, and per environment its name, status, schema version and pending count', async () => {
    const body = publicHealth(await allEnvironmentHealth(config));
    expect(body).toEqual({
      status: 'degraded',
      version: packageJson.version,
      environments: [
        { name: 'staging', status: 'ok', schemaVersion: '0001_b', pending: 1 },
        { name: 'broken', status: 'unreachable', schemaVersion: null, pending: 0 },
      ],
    });
    // No error text, protection level or timing reaches it, whatever went wrong.
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|connect|protected|guarded|Z"|topsecret|localhost/);
  });

  it('is ok when every environment answers', async () => {
    const body = publicHealth(await allEnvironmentHealth({ ...config, environments: config.environments.slice(0, 1) }));
    expect(body.status).toBe('ok');
  });
});

describe('metrics', () => {
  it('renders Prometheus counters, histograms and gauges from the targets\' history', async () => {
    const { contentType, body } = await renderMetrics(config);
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('strata_changeset_runs_total{env="staging",operation="apply",direction="up",status="applied"} 2');
    expect(body).toContain('strata_changeset_rows_affected_total{env="staging",direction="up"} 3');
    expect(body).toMatch(/strata_changeset_duration_seconds_count\{env="staging",direction="up",status="applied"\} 2/);
    expect(body).toContain('strata_schema_version{env="staging",tag="0001_b"} 1');
    expect(body).toContain('strata_changesets_pending{env="staging"} 1');
    expect(body).toContain('strata_environment_up{env="broken"} 0');
    expect(body).not.toContain('topsecret');
  });
});
