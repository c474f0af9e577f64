import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFingerprint } from '../../../test/support/catalog-fingerprint';
import { cli } from '../../../test/support/cli-runner';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';

const FIXTURE = 'test/fixtures/ci-formats';
const GOLDEN = path.resolve(FIXTURE, 'plan.md');

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('planmd');
  const first = await cli('apply', '--database-url', db.url, '--dir', FIXTURE, '--to', '0000_accounts');
  expect(first.code, first.stderr).toBe(0);
  await db.sql`insert into public.accounts (id, name, legacy_code) values (1, 'ada', 'A1'), (2, 'grace', null)`;
});
afterAll(async () => {
  await db?.drop();
});

describe('strata plan --format markdown', () => {
  it('is the golden pull-request comment, byte for byte, run after run, and changes nothing', async () => {
    const before = await catalogFingerprint(db.sql);
    const run = await cli('plan', '--database-url', db.url, '--dir', FIXTURE, '--format', 'markdown');
    expect(run.code, run.stderr).toBe(0);
    // Rewrite on purpose only (then review the diff); a missing golden file fails.
    if (process.env.STRATA_UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, `${run.stdout}`);
    expect(run.stdout).toBe(fs.readFileSync(GOLDEN, 'utf8'));
    // Timings differ between runs; the comment must not.
    const again = await cli('plan', '--database-url', db.url, '--dir', FIXTURE, '--format', 'markdown');
    expect(again.stdout).toBe(run.stdout);
    expect(await catalogFingerprint(db.sql)).toEqual(before);
  });

  it('names a change set that would fail with PostgreSQL\'s message (exit 1), and renders a rollback plan with its risks', async () => {
    await db.sql`alter table public.accounts add column email text`;
    try {
      const run = await cli('plan', '--database-url', db.url, '--dir', FIXTURE, '--format', 'markdown');
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toContain('Dry run in a rolled-back transaction on the target. ❌ **`0001_accounts_email` would fail**: nothing after it ran.');
      expect(run.stdout).toContain('migrations/0001_accounts_email.sql:3: statement 2 would fail: column "email" of relation "accounts" already exists');
      expect(run.stdout).toMatch(/^\| ⏸️ not run \| `0002_drop_legacy_code` \|/m);
    } finally {
      await db.sql`alter table public.accounts drop column email`;
    }
    const back = await cli('plan', '--database-url', db.url, '--dir', FIXTURE, '--format', 'markdown', '--rollback', '1');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^## Strata plan: rollback on the database$/m);
    expect(back.stdout).toMatch(/^- \*\*high\*\* Drops table public\.accounts/m);
    expect(back.stdout).toContain('A real run first copies, and verifies, what it destroys in: `public.accounts` (2 rows).');
  });
});

describe('Markdown text from messages', () => {
  it('keeps what GitHub would strip or format: tags, emphasis, links and table pipes', async () => {
    const { prose } = await import('./plan-markdown');
    expect(prose('Write rollback/<tag>.sql (or migrations/<folder>/rollback.sql)')).toBe('Write rollback/&lt;tag&gt;.sql (or migrations/&lt;folder&gt;/rollback.sql)');
    expect(prose('user_id and *all* [rows] | `x`')).toBe('user\\_id and \\*all\\* \\[rows\\] \\| `x`');
  });
});
