import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isStrataError } from '../errors';
import { configErrorOf as errorOf } from '../../test/support/config-folders';
import { findEnvironment, loadConfig } from './environments';

/** Fleets in STRATA_ENVIRONMENTS (README, "Fleets"): STRATA_ENV_<NAME>_URLS, _URLS_FILE or _DISCOVER_DATABASES. */
const base = { STRATA_ROOT: '/tmp/strata-fleet-config-test', STRATA_CONSOLE_DATABASE_URL: 'postgres://u:p@db1/console' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fleets-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('fleet environments from variables', () => {
  it('a list of URLs (comma or whitespace separated) makes a fleet, kept out of the environments, with protection, backup and lock retries for the whole fleet', () => {
    const config = loadConfig({
      ...base,
      STRATA_ENVIRONMENTS: 'staging,tenants',
      STRATA_ENV_STAGING_URL: 'postgres://u:p@db1/staging',
      STRATA_ENV_TENANTS_URLS: 'postgres://u:s1@db1/t1, postgres://u:s2@db2/t2\n postgres://u:s3@db2/t3',
      STRATA_ENV_TENANTS_PROTECTION: 'guarded',
      STRATA_ENV_TENANTS_LOCK_RETRIES: '2',
      STRATA_ENV_TENANTS_BACKUP: 'always',
    });
    expect(config.environments.map((e) => e.name)).toEqual(['staging']);
    expect(config.fleets).toEqual([
      {
        name: 'tenants',
        protection: 'guarded',
        source: { kind: 'urls', urls: ['postgres://u:s1@db1/t1', 'postgres://u:s2@db2/t2', 'postgres://u:s3@db2/t3'] },
        backup: { mode: 'always', keep: 10, maxAgeDays: 30 },
        lockRetries: 2,
      },
    ]);
  });

  it('an unset protection is protected, as for an environment', () => {
    const config = loadConfig({ ...base, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_URLS: 'postgres://db/t1' });
    expect(config.fleets?.[0]?.protection).toBe('protected');
    expect(config.environments).toEqual([]);
  });

  it('a file of URLs, relative to STRATA_ROOT', () => {
    fs.writeFileSync(path.join(dir, 'tenants.txt'), '# EU\npostgres://u:p@eu/t1\npostgres://u:p@eu/t2\n');
    const config = loadConfig({ ...base, STRATA_ROOT: dir, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_URLS_FILE: 'tenants.txt' });
    expect(config.fleets?.[0]?.source).toEqual({ kind: 'urls', urls: ['postgres://u:p@eu/t1', 'postgres://u:p@eu/t2'] });
  });

  it('discovery: a LIKE pattern run on the server of STRATA_ENV_<NAME>_URL', () => {
    const config = loadConfig({ ...base, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_URL: 'postgres://u:p@db9/postgres', STRATA_ENV_TENANTS_DISCOVER_DATABASES: 'tenant_%' });
    expect(config.fleets?.[0]?.source).toEqual({ kind: 'databases', serverUrl: 'postgres://u:p@db9/postgres', pattern: 'tenant_%' });
    expect(config.environments).toEqual([]);
  });

  it('refuses what does not fit, naming the variable and never a password', () => {
    const one = { ...base, STRATA_ENVIRONMENTS: 'tenants' };
    const bad = errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'postgres://u:p@db/t1,mysql://u:hunter2@db/t2' });
    expect(bad.message).toMatch(/^STRATA_ENV_TENANTS_URLS:2: Database URL must start with postgres/);
    expect(bad.message).not.toContain('hunter2');
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'postgres://u:hunter2@db/t1 postgres://u:hunter2@db:5432/t1' }).message).toBe(
      'STRATA_ENV_TENANTS_URLS:2: postgres://u:***@db:5432/t1 is the same database as line 1',
    );
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'postgres://db/t1', STRATA_ENV_TENANTS_URLS_FILE: 'x.txt' }).message).toBe(
      'STRATA_ENV_TENANTS_URLS and STRATA_ENV_TENANTS_URLS_FILE are all set: fleet "tenants" takes its targets from one of them',
    );
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'postgres://db/t1', STRATA_ENV_TENANTS_URL: 'postgres://db/t0' }).message).toBe(
      '"tenants" cannot be both a fleet and one database: STRATA_ENV_TENANTS_URLS lists its targets, and STRATA_ENV_TENANTS_URL is set too',
    );
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_DISCOVER_DATABASES: 'tenant_%' }).message).toBe(
      'Fleet "tenants" discovers its databases (STRATA_ENV_TENANTS_DISCOVER_DATABASES), so STRATA_ENV_TENANTS_URL must name the server to look on',
    );
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_URLS_FILE: path.join(dir, 'missing.txt') }).message).toMatch(/^STRATA_ENV_TENANTS_URLS_FILE: cannot read .*missing\.txt \(ENOENT\)$/);
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'postgres://db/t1', STRATA_ENV_TENANTS_PROTECTION: 'yolo' }).message).toBe('STRATA_ENV_TENANTS_PROTECTION must be one of open, guarded, protected (got "yolo")');
    expect(errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'postgres://db/t1', STRATA_ENV_TENANTS_MAX_REPLICATION_LAG: '2s' }).message).toBe('STRATA_ENV_TENANTS_MAX_REPLICATION_LAG is not supported on a fleet ("tenants")');
    expect(isStrataError(errorOf({ ...one, STRATA_ENV_TENANTS_URLS: 'mysql://db/t1' }), 'BAD_USAGE')).toBe(true);
  });

  it('a fleet is not an environment: findEnvironment says so, and unknown names list environments and fleets', () => {
    const config = loadConfig({ ...base, STRATA_ENVIRONMENTS: 'staging,tenants', STRATA_ENV_STAGING_URL: 'postgres://db/s', STRATA_ENV_TENANTS_URLS: 'postgres://db/t1' });
    expect(() => findEnvironment(config, 'tenants')).toThrow('"tenants" is a fleet, not a single environment: its targets are migrated by a rollout (strata rollout --env tenants)');
    expect(() => findEnvironment(config, 'qa')).toThrow('Unknown environment "qa" (known: staging; fleets: tenants)');
  });
});

describe('the embedded demo', () => {
  it('has the fleet tenants: guarded, its databases discovered on the embedded server by strata_tenant_%', () => {
    const config = loadConfig({ STRATA_ROOT: '/tmp/strata-fleet-config-test', STRATA_EMBEDDED_PORT: '55555', STRATA_ENV_TENANTS_LOCK_RETRIES: '1' });
    expect(config.fleets).toHaveLength(1);
    const [fleet] = config.fleets!;
    expect(fleet).toMatchObject({ name: 'tenants', protection: 'guarded', lockRetries: 1, source: { kind: 'databases', pattern: 'strata_tenant_%' } });
    expect(fleet!.source.kind === 'databases' && fleet!.source.serverUrl).toMatch(/^postgres:\/\/strata:[^@]+@localhost:55555\/postgres$/);
    expect(config.environments.map((e) => e.name)).toEqual(['local', 'staging', 'production']);
  });
});
