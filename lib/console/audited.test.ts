import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import type { StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { externalConfig } from '../../test/support/external-config';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { audited } from './audited';

const olga: Principal = { username: 'olga', role: 'operator', via: 'console' };
let consoleDb: ScratchDatabase;
let config: StrataConfig;
beforeAll(async () => {
  process.env.STRATA_AUDIT_KEY = 'audited-test-key-0123456789abcdef';
  process.env.AUTH_SECRET = 'audited-test-auth-0123456789abcdef';
  consoleDb = await createScratchDatabase('audited');
  config = { ...externalConfig({ consoleDatabaseUrl: consoleDb.url, shadowServerUrl: inject('pgAdminUrl') }), auditHeadFile: path.join(os.tmpdir(), `strata-audited-${process.pid}.json`) };
});
afterAll(async () => {
  await closeConsole(config);
  await consoleDb.drop();
});

describe('audited: the intent before the work, the outcome after', () => {
  it('writes a started entry before the work runs, and the outcome naming it after', async () => {
    let seenBeforeWork: unknown[] = [];
    await audited(config, olga, { action: 'apply', environment: 'staging', intent: 'apply 0003_x' }, async () => {
      seenBeforeWork = [...(await consoleDb.sql`select outcome, detail from console.audit_log order by id`)];
      return 'done';
    });
    expect(seenBeforeWork).toEqual([{ outcome: 'started', detail: 'apply 0003_x' }]);
    const rows = await consoleDb.sql`select id, outcome, intent_id from console.audit_log order by id`;
    expect(rows.map((r) => [r.outcome, r.intent_id === null ? null : Number(r.intent_id)])).toEqual([['started', null], ['ok', Number(rows[0]!.id)]]);
  });

  it('records a refusal inside the work as denied and a failure as failed', async () => {
    await expect(audited(config, olga, { action: 'apply' }, async () => { throw new StrataError('CONFIRMATION_REQUIRED', 'say its name'); })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    await expect(audited(config, olga, { action: 'apply' }, async () => { throw new StrataError('STATEMENT_FAILED', 'boom'); })).rejects.toMatchObject({ code: 'STATEMENT_FAILED' });
    const outcomes = await consoleDb.sql`select outcome, detail from console.audit_log where outcome <> 'started' order by id desc limit 2`;
    expect(outcomes.map((o) => o.outcome)).toEqual(['failed', 'denied']);
  });

  it('does not run the work at all when the intent cannot be recorded', async () => {
    const unreachable = { ...config, consoleDatabaseUrl: 'postgres://strata:pw@localhost:1/gone' };
    let ran = false;
    await expect(
      audited(unreachable, olga, { action: 'apply', environment: 'staging' }, async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/^Nothing was done: the audit trail could not record the intent to apply on staging/) });
    expect(ran).toBe(false);
    await closeConsole(unreachable);
  });
});
