import { describe, expect, it } from 'vitest';
import { isStrataError } from '../errors';
import { configErrorOf as errorOf, configFolders } from '../../test/support/config-folders';
import { loadConfig } from './environments';

/*
 * Schema-per-tenant fleets in the configuration (README, "Schema-per-tenant fleets"):
 * STRATA_ENV_<NAME>_URL + STRATA_ENV_<NAME>_DISCOVER_SCHEMAS, or `fleet: { schemas }` in
 * strata.config.ts with the entry's own urlEnv or url naming the database.
 */
const configFolder = configFolders();

const base = { STRATA_CONSOLE_DATABASE_URL: 'postgres://u:c@db1/console', STRATA_AUDIT_KEY: 'k'.repeat(32), AUTH_SECRET: 's'.repeat(32) };
const APP_URL = 'postgres://u:app-secret@db1/app';

describe('a schema-per-tenant fleet from variables', () => {
  it('STRATA_ENV_<NAME>_DISCOVER_SCHEMAS with STRATA_ENV_<NAME>_URL: the schemas source, a fleet and not an environment', () => {
    const config = loadConfig({ ...base, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_URL: APP_URL, STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'tenant_%', STRATA_ENV_TENANTS_PROTECTION: 'guarded' });
    expect(config.environments).toEqual([]);
    expect(config.fleets).toEqual([{ name: 'tenants', protection: 'guarded', source: { kind: 'schemas', url: APP_URL, pattern: 'tenant_%' }, backup: { mode: 'destructive', keep: 10, maxAgeDays: 30 } }]);
  });

  it('without the database URL, or beside another source, is refused naming the variables; the URL is never repeated', () => {
    const noUrl = errorOf({ ...base, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'tenant_%' });
    expect(isStrataError(noUrl, 'BAD_USAGE')).toBe(true);
    expect(noUrl.message).toBe('Fleet "tenants" is schema-per-tenant (its targets are schemas matching "tenant_%"), so STRATA_ENV_TENANTS_URL must name the database they are in');
    const two = errorOf({ ...base, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_URL: APP_URL, STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'tenant_%', STRATA_ENV_TENANTS_DISCOVER_DATABASES: 'db_%' });
    expect(two.message).toMatch(/STRATA_ENV_TENANTS_DISCOVER_DATABASES and STRATA_ENV_TENANTS_DISCOVER_SCHEMAS are all set: fleet "tenants" takes its targets from one of them/);
    const badUrl = errorOf({ ...base, STRATA_ENVIRONMENTS: 'tenants', STRATA_ENV_TENANTS_URL: 'not a url', STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'tenant_%' });
    expect(isStrataError(badUrl)).toBe(true);
    for (const e of [noUrl, two, badUrl]) expect(e.message).not.toContain('app-secret');
  });
});

describe('a schema-per-tenant fleet in strata.config.ts (fleet: { schemas })', () => {
  it('takes the database from the entry\'s urlEnv; the variable wins over the file', () => {
    const dir = configFolder(`{ projectDir: './db', environments: { tenants: { urlEnv: 'APP_URL', fleet: { schemas: 'tenant_%' }, protection: 'open' } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    const env = { STRATA_ROOT: dir, APP_URL, CONSOLE_URL: base.STRATA_CONSOLE_DATABASE_URL, STRATA_AUDIT_KEY: base.STRATA_AUDIT_KEY, AUTH_SECRET: base.AUTH_SECRET };
    expect(loadConfig(env).fleets).toEqual([{ name: 'tenants', protection: 'open', source: { kind: 'schemas', url: APP_URL, pattern: 'tenant_%' }, backup: { mode: 'off', keep: 10, maxAgeDays: 30 } }]);
    const overridden = loadConfig({ ...env, STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'shop_%', STRATA_ENV_TENANTS_URL: 'postgres://u:p@db9/other' });
    expect(overridden.fleets?.[0]?.source).toEqual({ kind: 'schemas', url: 'postgres://u:p@db9/other', pattern: 'shop_%' });
  });

  it('refuses schemas beside another source, an empty pattern, and both urlEnv and url, naming the key', () => {
    const env = (dir: string) => ({ STRATA_ROOT: dir, APP_URL, CONSOLE_URL: base.STRATA_CONSOLE_DATABASE_URL });
    const two = errorOf(env(configFolder(`{ environments: { tenants: { urlEnv: 'APP_URL', fleet: { schemas: 'tenant_%', urlsEnv: 'X' } } } }`)));
    expect(isStrataError(two, 'MALFORMED_PROJECT')).toBe(true);
    expect(two.message).toMatch(/environments\.tenants\.fleet: needs exactly one of urlsEnv .* or schemas/);
    const empty = errorOf(env(configFolder(`{ environments: { tenants: { urlEnv: 'APP_URL', fleet: { schemas: '' } } } }`)));
    expect(empty.message).toMatch(/environments\.tenants\.fleet\.schemas: needs a LIKE pattern such as 'tenant_%'/);
    const both = errorOf(env(configFolder(`{ environments: { tenants: { urlEnv: 'APP_URL', url: 'postgres://db/app', fleet: { schemas: 'tenant_%' } } } }`)));
    expect(both.message).toMatch(/environments\.tenants: a schema-per-tenant fleet \(fleet\.schemas\) names its database once: urlEnv or url, not both/);
    const misspelt = errorOf(env(configFolder(`{ environments: { tenants: { urlEnv: 'APP_URL', fleet: { schema: 'tenant_%' } } } }`)));
    expect(misspelt.message).toMatch(/environments\.tenants\.fleet/);
  });
});
