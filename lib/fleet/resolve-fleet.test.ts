import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../db/client';
import { loadConfig, type StrataConfig } from '../config/environments';
import { isStrataError } from '../errors';
import { resolveTarget } from '../cli/targets';
import { findFleet, resolveFleetOption } from './resolve-fleet';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-resolve-fleet-'));
const adminUrl = inject('pgAdminUrl');
const prefix = `rf_${process.pid}_`;
const made: string[] = [];

async function admin(body: (sql: ReturnType<typeof connect>) => Promise<unknown>): Promise<void> {
  const sql = connect(adminUrl, { max: 1 });
  try {
    await body(sql);
  } finally {
    await sql.end();
  }
}

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await admin(async (sql) => {
    for (const name of made) await sql.unsafe(`drop database if exists "${name}" with (force)`);
  });
});

function configWith(env: Record<string, string>): StrataConfig {
  return loadConfig({ STRATA_ROOT: dir, STRATA_CONSOLE_DATABASE_URL: 'postgres://u:p@db/console', ...env });
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it was accepted');
}

const config = configWith({
  STRATA_ENVIRONMENTS: 'staging,tenants',
  STRATA_ENV_STAGING_URL: 'postgres://u:p@db/staging',
  STRATA_ENV_TENANTS_URLS: 'postgres://u:p@db/t2 postgres://u:p@db/t1',
  STRATA_ENV_TENANTS_PROTECTION: 'guarded',
});

describe('--env FLEET and --fleet-file FILE', () => {
  it('a configured fleet: its targets, named and sorted', async () => {
    const { fleet, targets } = await resolveFleetOption({ env: 'tenants' }, config);
    expect(fleet.name).toBe('tenants');
    expect(targets.map((t) => [t.name, t.url])).toEqual([
      ['t1', 'postgres://u:p@db/t1'],
      ['t2', 'postgres://u:p@db/t2'],
    ]);
  });

  it('a discovery fleet: the databases its pattern finds on the server now', async () => {
    await admin(async (sql) => {
      for (const n of ['b', 'a']) {
        await sql.unsafe(`create database "${prefix}${n}"`);
        made.push(`${prefix}${n}`);
      }
    });
    const discovering = configWith({ STRATA_ENVIRONMENTS: 'shops', STRATA_ENV_SHOPS_URL: adminUrl, STRATA_ENV_SHOPS_DISCOVER_DATABASES: `${prefix}%` });
    const { targets } = await resolveFleetOption({ env: 'shops' }, discovering);
    expect(targets.map((t) => t.name)).toEqual([`${prefix}a`, `${prefix}b`]);
  });

  it('a fleet file: a bare, guarded fleet named after the file', async () => {
    const file = path.join(dir, 'eu.txt');
    fs.writeFileSync(file, '# EU tenants\npostgres://u:p@eu/t9\n');
    const { fleet, targets } = await resolveFleetOption({ fleetFile: file }, config);
    expect(fleet).toEqual({ name: 'eu.txt', protection: 'guarded', source: { kind: 'urls', urls: ['postgres://u:p@eu/t9'] } });
    expect(targets.map((t) => t.name)).toEqual(['t9']);
  });

  it('refuses, before connecting anywhere: an unknown name (listing environments and fleets), a single environment, both flags, none, a bare URL, a file that is not there', async () => {
    const unknown = await refusal(resolveFleetOption({ env: 'tennants' }, config));
    expect(isStrataError(unknown, 'UNKNOWN_ENVIRONMENT')).toBe(true);
    expect(unknown.message).toBe('Unknown fleet "tennants" (known: staging; fleets: tenants)');
    expect((await refusal(resolveFleetOption({ env: 'staging' }, config))).message).toBe(
      '"staging" is a single environment, not a fleet: give it to apply, status, plan, … as --env staging (fleets: tenants)',
    );
    expect((await refusal(resolveFleetOption({ env: 'tenants', fleetFile: 'x.txt' }, config))).message).toBe('Give --env FLEET or --fleet-file FILE, not both');
    expect((await refusal(resolveFleetOption({}, config))).message).toBe('Which fleet? Give --env FLEET or --fleet-file FILE (fleets: tenants)');
    expect((await refusal(resolveFleetOption({ databaseUrl: 'postgres://db/x' }, config))).message).toBe(
      '--database-url names one database, not a fleet: give --env FLEET or --fleet-file FILE (fleets: tenants)',
    );
    const missing = await refusal(resolveFleetOption({ fleetFile: path.join(dir, 'nope.txt') }, config));
    expect(isStrataError(missing, 'BAD_USAGE')).toBe(true);
    expect(missing.message).toMatch(/^--fleet-file: cannot read .*nope\.txt \(ENOENT\)$/);
    expect(() => findFleet(configWith({ STRATA_ENVIRONMENTS: 'staging', STRATA_ENV_STAGING_URL: 'postgres://db/s' }), 'staging')).toThrow('(no fleet is configured)');
  });

  it('a command that acts on one database, given a fleet, says to use strata rollout', () => {
    let error: unknown;
    try {
      resolveTarget(config, { env: 'tenants', command: 'apply' });
    } catch (caught) {
      error = caught;
    }
    expect(isStrataError(error, 'UNKNOWN_ENVIRONMENT')).toBe(true);
    expect((error as Error).message).toBe('"tenants" is a fleet, not a single environment: `strata apply` acts on one database; migrate the fleet with `strata rollout --env tenants`');
    expect(resolveTarget(config, { env: 'staging', command: 'apply' }).name).toBe('staging');
  });
});
