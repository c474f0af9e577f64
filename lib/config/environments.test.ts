import { describe, expect, it } from 'vitest';
import { findEnvironment, loadConfig } from './environments';

const root = '/tmp/strata-config-test';

describe('loadConfig', () => {
  it('uses the embedded demo when nothing is configured', () => {
    const config = loadConfig({ STRATA_ROOT: root, STRATA_EMBEDDED_PORT: '55555' });
    expect(config.mode).toBe('embedded');
    expect(config.environments.map((e) => [e.name, e.protection])).toEqual([
      ['local', 'open'],
      ['staging', 'guarded'],
      ['production', 'protected'],
    ]);
    expect(config.environments[0]!.url).toMatch(/^postgres:\/\/strata:[^@]+@localhost:55555\/strata_local$/);
    expect(config.projectDir).toBe(`${root}/drizzle/demo`);
  });

  it('uses real servers from environment variables, in the order given', () => {
    const config = loadConfig({
      STRATA_ROOT: root,
      STRATA_ENVIRONMENTS: 'dev, qa-eu ,prod',
      STRATA_ENV_DEV_URL: 'postgres://u:p@db1:5432/dev',
      STRATA_ENV_DEV_PROTECTION: 'open',
      STRATA_ENV_QA_EU_URL: 'postgresql://u:p@db2/qa',
      STRATA_ENV_QA_EU_PROTECTION: 'guarded',
      STRATA_ENV_PROD_URL: 'postgres://u:p@db3/prod',
      STRATA_CONSOLE_DATABASE_URL: 'postgres://u:p@db1/console',
      STRATA_PROJECT_DIR: 'db/drizzle',
    });
    expect(config.mode).toBe('external');
    expect(config.environments.map((e) => [e.name, e.protection])).toEqual([
      ['dev', 'open'],
      ['qa-eu', 'guarded'],
      ['prod', 'protected'], // unset protection is the safest level
    ]);
    expect(config.projectDir).toBe(`${root}/db/drizzle`);
    expect(findEnvironment(config, 'qa-eu').url).toBe('postgresql://u:p@db2/qa');
  });

  it('names what is missing or wrong', () => {
    expect(() => loadConfig({ STRATA_ENVIRONMENTS: 'prod', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' })).toThrow(/Environment "prod" needs STRATA_ENV_PROD_URL/);
    expect(() => loadConfig({ STRATA_ENVIRONMENTS: 'prod', STRATA_ENV_PROD_URL: 'postgres://h/p' })).toThrow(/STRATA_CONSOLE_DATABASE_URL must be set/);
    expect(() =>
      loadConfig({ STRATA_ENVIRONMENTS: 'prod', STRATA_ENV_PROD_URL: 'postgres://h/p', STRATA_ENV_PROD_PROTECTION: 'yolo', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' }),
    ).toThrow(/STRATA_ENV_PROD_PROTECTION must be one of open, guarded, protected \(got "yolo"\)/);
    expect(() => loadConfig({ STRATA_ENVIRONMENTS: 'Prod!', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' })).toThrow(/environment names are lower-case/);
    expect(() => loadConfig({ STRATA_ENVIRONMENTS: 'prod', STRATA_ENV_PROD_URL: 'http://h/p', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' })).toThrow(/must start with postgres:\/\//);
    expect(() => loadConfig({ STRATA_ENVIRONMENTS: 'eu-west,eu_west', STRATA_ENV_EU_WEST_URL: 'postgres://h/p', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' })).toThrow(
      'Environments "eu-west" and "eu_west" would share the variables STRATA_ENV_EU_WEST_…: rename one',
    );
    const config = loadConfig({ STRATA_ROOT: root });
    expect(() => findEnvironment(config, 'qa')).toThrow(/Unknown environment "qa" \(known: local, staging, production; fleets: tenants\)/);
  });

  it('reads how often each environment retries after a lock timeout (STRATA_ENV_<NAME>_LOCK_RETRIES)', () => {
    const demo = loadConfig({ STRATA_ROOT: root, STRATA_ENV_PRODUCTION_LOCK_RETRIES: '0', STRATA_ENV_STAGING_LOCK_RETRIES: ' 8 ' });
    expect(demo.environments.map((e) => [e.name, e.lockRetries])).toEqual([
      ['local', undefined],
      ['staging', 8],
      ['production', 0],
    ]);
    const external = { STRATA_ENVIRONMENTS: 'prod', STRATA_ENV_PROD_URL: 'postgres://h/p', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' };
    expect(findEnvironment(loadConfig({ ...external, STRATA_ENV_PROD_LOCK_RETRIES: '3' }), 'prod').lockRetries).toBe(3);
    expect(() => loadConfig({ ...external, STRATA_ENV_PROD_LOCK_RETRIES: 'many' })).toThrow(/STRATA_ENV_PROD_LOCK_RETRIES must be a whole number of at least 0 \(got "many"\)/);
    expect(() => loadConfig({ ...external, STRATA_ENV_PROD_LOCK_RETRIES: '-1' })).toThrow(/STRATA_ENV_PROD_LOCK_RETRIES must be a whole number/);
  });

  it('reads the replay lag above which batched statements wait (STRATA_ENV_<NAME>_MAX_REPLICATION_LAG)', () => {
    const demo = loadConfig({ STRATA_ROOT: root, STRATA_ENV_PRODUCTION_MAX_REPLICATION_LAG: '2s', STRATA_ENV_STAGING_MAX_REPLICATION_LAG: '500ms' });
    expect(demo.environments.map((e) => [e.name, e.maxReplicationLagMs])).toEqual([
      ['local', undefined],
      ['staging', 500],
      ['production', 2000],
    ]);
    const external = { STRATA_ENVIRONMENTS: 'prod', STRATA_ENV_PROD_URL: 'postgres://h/p', STRATA_CONSOLE_DATABASE_URL: 'postgres://h/c' };
    expect(findEnvironment(loadConfig({ ...external, STRATA_ENV_PROD_MAX_REPLICATION_LAG: '1min' }), 'prod').maxReplicationLagMs).toBe(60_000);
    expect(() => loadConfig({ ...external, STRATA_ENV_PROD_MAX_REPLICATION_LAG: 'soon' })).toThrow(/STRATA_ENV_PROD_MAX_REPLICATION_LAG takes a duration like 500ms, 5s or 2min \(got "soon"\)/);
  });
});
