import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';

/** `strata skip` / `unskip` on the fixture project with optional change sets (test/fixtures/optional-deps). */
const dir = path.resolve('test/fixtures/optional-deps');
let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('cliskip');
});
afterEach(async () => {
  await db.drop();
});

const target = () => ['--database-url', db.url, '--dir', dir];

describe('strata skip and unskip', () => {
  it('skips an optional change set, shows it skipped in status, applies past it, and un-skips it', async () => {
    expect((await cli('apply', '--to', '0002_ledger_totals_index', ...target())).code).toBe(0);
    const skipped = await cli('skip', '0003_ledger_notes', '--reason', 'not here', ...target());
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('0003_ledger_notes skipped');
    expect((await cli('apply', ...target())).code).toBe(0);
    const status = await cli('status', ...target());
    expect(status.stdout).toMatch(/0003_ledger_notes\s+skipped/);
    expect(status.stdout).toContain('1 skipped');
    const json = JSON.parse((await cli('status', '--json', ...target())).stdout);
    expect(json.changeSets.find((c: { tag: string }) => c.tag === '0004_ledger_account_flag').state).toBe('applied');
    const back = await cli('unskip', '0003_ledger_notes', '--reason', 'wanted', ...target());
    expect(back.stdout).toContain('it is now out of order');
  });

  it('refuses a change set that is not optional, or one a later change set depends on, and an empty reason (exit 1 or 2, nothing written)', async () => {
    expect((await cli('apply', '--to', '0000_ledger', ...target())).code).toBe(0);
    const notOptional = await cli('skip', '0004_ledger_account_flag', '--reason', 'x', ...target());
    expect(notOptional.code).not.toBe(0);
    expect(notOptional.stderr).toContain('0004_ledger_account_flag is not optional');
    const depended = await cli('skip', '0001_ledger_daily_totals', '--reason', 'x', ...target());
    expect(depended.code).not.toBe(0);
    expect(depended.stderr).toContain('0002_ledger_totals_index uses ledger.daily_totals');
    const noReason = await cli('skip', '0003_ledger_notes', ...target());
    expect(noReason.code).toBe(2);
    expect((await db.sql`select count(*)::int as n from strata.change_log where operation = 'skip'`)[0]!.n).toBe(0);
  });
});
