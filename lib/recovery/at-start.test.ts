import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StrataConfig } from '../config/environments';
import { connect, type Sql } from '../db/client';
import { quoteIdent } from '../db/identifiers';
import { shadowName } from '../migrate/shadow-database';
import { testContext } from '../../test/support/run-context';
import { RECOVERY_STEPS, recoverAtStart, recoveryLines } from './at-start';
import type { RecoveryStep } from './recovery-step';
import { leftoverShadows } from './leftover-shadows';
import { externalConfig } from '../../test/support/external-config';

const adminUrl = inject('pgAdminUrl');
let admin: Sql;
beforeAll(() => {
  admin = connect(adminUrl, { max: 1 });
});
afterAll(async () => {
  await admin.end();
});

function configWith(shadowServerUrl: string): StrataConfig {
  return externalConfig({ consoleDatabaseUrl: adminUrl, shadowServerUrl });
}

describe('recoverAtStart', () => {
  it('runs, by default, the shadow sweep and the check for requests left executing', () => {
    expect(RECOVERY_STEPS.map((s) => s.name)).toEqual(['leftover shadow databases', 'requests left executing', 'operations left running']);
  });

  it('drops leftover shadow databases on the shadow server, an hour old by default, and says so, one line each', async () => {
    // Twenty minutes old: other test files' sweeps (one hour) leave it, so only these calls decide.
    const [clock] = await admin`select floor(extract(epoch from clock_timestamp()))::bigint as now`;
    const bornAt = Number(clock!.now) - 1200;
    const leftover = shadowName(bornAt);
    const exists = async () => (await admin`select 1 from pg_database where datname = ${leftover}`).length > 0;
    await admin.unsafe(`create database ${quoteIdent(leftover)}`);
    try {
      const byDefault = await recoverAtStart(configWith(adminUrl), testContext(adminUrl).logger, [leftoverShadows()]);
      expect(byDefault.steps.map((s) => [s.step, s.error])).toEqual([['leftover shadow databases', null]]);
      expect(await exists()).toBe(true);
      const ctx = testContext(adminUrl);
      const report = await recoverAtStart(configWith(adminUrl), ctx.logger, [leftoverShadows(10 * 60_000)]);
      expect(await exists()).toBe(false);
      expect(recoveryLines(report)).toContain(`Dropped leftover shadow database ${leftover} (created ${new Date(bornAt * 1000).toISOString()})`);
      expect(ctx.logLines).toContainEqual(expect.objectContaining({ msg: 'leftover shadow database dropped', database: leftover }));
    } finally {
      await admin.unsafe(`drop database if exists ${quoteIdent(leftover)} with (force)`);
    }
  });

  it('never throws for an unreachable server: the step reports why, without the password', async () => {
    const ctx = testContext(adminUrl);
    const report = await recoverAtStart(configWith('postgres://strata:topsecret@localhost:1/gone'), ctx.logger, [leftoverShadows()]);
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]!.error).toMatch(/ECONNREFUSED/);
    const lines = recoveryLines(report);
    expect(lines).toEqual([expect.stringMatching(/^Could not check for leftover shadow databases: .*ECONNREFUSED/)]);
    expect(JSON.stringify([report, ctx.logLines])).not.toMatch(/topsecret/);
  });

  it('runs every step, each with its own entry, even after one fails', async () => {
    const failing: RecoveryStep = {
      name: 'stuck things',
      urls: () => ['postgres://u:hunter2@db.internal/x'],
      run: async () => {
        throw new Error('could not reach postgres://u:hunter2@db.internal/x');
      },
    };
    const working: RecoveryStep = { name: 'other things', urls: () => [], run: async () => ({ recovered: ['Marked request #4 failed'], leftAlone: [] }) };
    const report = await recoverAtStart(configWith(adminUrl), testContext(adminUrl).logger, [failing, working]);
    expect(report.steps.map((s) => [s.step, s.recovered, s.error])).toEqual([
      ['stuck things', [], 'could not reach [connection string hidden]'],
      ['other things', ['Marked request #4 failed'], null],
    ]);
    expect(recoveryLines(report)).toEqual(['Could not check for stuck things: could not reach [connection string hidden]', 'Marked request #4 failed']);
  });
});
