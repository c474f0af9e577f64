import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../db/client';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { appendAudit, GENESIS_HASH, listAudit, verifyAudit } from './audit';
import { ensureConsoleSchema } from './console-db';

const KEY = 'audit-test-key-5f0c2e9b7d41a3c6';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('audit');
  await ensureConsoleSchema(db.sql);
});
afterAll(async () => {
  await db.drop();
});

/** Runs `edit` with the append-only trigger off, as a superuser could. */
async function tamper(sql: ScratchDatabase['sql'], edit: () => Promise<unknown>): Promise<void> {
  await sql`alter table console.audit_log disable trigger audit_log_append_only`;
  try {
    await edit();
  } finally {
    await sql`alter table console.audit_log enable trigger audit_log_append_only`;
  }
}

async function fresh(): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase('audit');
  await ensureConsoleSchema(scratch.sql);
  return scratch;
}

async function appendFive(sql: ScratchDatabase['sql']): Promise<void> {
  for (let i = 1; i <= 5; i++) {
    await appendAudit(sql, KEY, { actor: `user${i}`, role: 'operator', action: 'apply', environment: 'staging', target: `000${i}_x`, outcome: 'ok', durationMs: i * 10.4, detail: null });
  }
}

describe('audit trail', () => {
  it('chains entries from 64 zeros and verifies them', async () => {
    const scratch = await fresh();
    try {
      expect(await verifyAudit(scratch.sql, KEY)).toEqual({ ok: true, entries: 0, head: { state: 'unchecked' } });
      await appendFive(scratch.sql);
      const entries = await listAudit(scratch.sql);
      expect(entries.map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
      expect(entries[4]).toMatchObject({ id: 1, actor: 'user1', role: 'operator', action: 'apply', environment: 'staging', target: '0001_x', outcome: 'ok', durationMs: 10, detail: null, prevHash: GENESIS_HASH });
      expect(entries[3]!.prevHash).toBe(entries[4]!.hash);
      expect(entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(await verifyAudit(scratch.sql, KEY)).toEqual({ ok: true, entries: 5, head: { state: 'unchecked' } });
      // Another key cannot vouch for the chain.
      expect(await verifyAudit(scratch.sql, 'another key')).toMatchObject({ ok: false, firstBroken: { id: 1, reason: 'hash does not match its contents' } });
    } finally {
      await scratch.drop();
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await appendAudit(db.sql, KEY, { actor: 'x', role: 'admin', action: 'user-add', outcome: 'ok' });
    await expect(db.sql`update console.audit_log set actor = 'y'`).rejects.toThrow(/append-only/);
    await expect(db.sql`delete from console.audit_log`).rejects.toThrow(/append-only/);
    await expect(db.sql`truncate console.audit_log`).rejects.toThrow(/append-only/);
  });

  it('names an edited entry', async () => {
    const scratch = await fresh();
    try {
      await appendFive(scratch.sql);
      await tamper(scratch.sql, () => scratch.sql`update console.audit_log set outcome = 'failed' where id = 3`);
      expect(await verifyAudit(scratch.sql, KEY)).toMatchObject({ ok: false, entries: 3, firstBroken: { id: 3, reason: 'hash does not match its contents' } });
    } finally {
      await scratch.drop();
    }
  });

  it('names the entry after a deleted one', async () => {
    const scratch = await fresh();
    try {
      await appendFive(scratch.sql);
      await tamper(scratch.sql, () => scratch.sql`delete from console.audit_log where id = 3`);
      const result = await verifyAudit(scratch.sql, KEY);
      expect(result).toMatchObject({ ok: false, firstBroken: { id: 4 } });
      expect(result.ok === false && result.firstBroken.reason).toMatch(/before it \(3\) is missing/);
    } finally {
      await scratch.drop();
    }
  });

  it('notices a deletion that renumbers the rest, and a reordering', async () => {
    const scratch = await fresh();
    try {
      await appendFive(scratch.sql);
      // Delete 3 and shift 4 and 5 down to close the gap.
      await tamper(scratch.sql, async () => {
        await scratch.sql`delete from console.audit_log where id = 3`;
        await scratch.sql`update console.audit_log set id = id - 1 where id > 3`;
      });
      expect(await verifyAudit(scratch.sql, KEY)).toMatchObject({ ok: false, firstBroken: { id: 3, reason: expect.stringMatching(/does not follow entry 2/) } });
    } finally {
      await scratch.drop();
    }
    const other = await fresh();
    try {
      await appendFive(other.sql);
      // Swap entries 2 and 4 (ids kept in place).
      await tamper(other.sql, async () => {
        await other.sql`update console.audit_log set id = 100 where id = 2`;
        await other.sql`update console.audit_log set id = 2 where id = 4`;
        await other.sql`update console.audit_log set id = 4 where id = 100`;
      });
      expect(await verifyAudit(other.sql, KEY)).toMatchObject({ ok: false, firstBroken: { id: 2 } });
    } finally {
      await other.drop();
    }
  });

  it('keeps one linear chain under 10 concurrent appends', async () => {
    const scratch = await fresh();
    const wide = connect(scratch.url, { max: 10 });
    try {
      const appended = await Promise.all(
        Array.from({ length: 10 }, (_, i) => appendAudit(wide, KEY, { actor: `p${i}`, role: 'cli', action: 'dry-run', outcome: 'ok' })),
      );
      expect(appended.map((e) => e.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const rows = await scratch.sql`select id, prev_hash, hash from console.audit_log order by id`;
      rows.forEach((row, i) => expect(row.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]!.hash));
      expect(await verifyAudit(scratch.sql, KEY)).toMatchObject({ ok: true, entries: 10 });
    } finally {
      await wide.end();
      await scratch.drop();
    }
  });

  it('never stores the key', async () => {
    await appendAudit(db.sql, KEY, { actor: 'k', role: 'admin', action: 'sign-in', environment: null, target: null, outcome: 'denied', detail: 'invalid from 10.0.0.1' });
    for (const table of ['audit_log', 'users', 'sign_in_attempts', 'change_requests']) {
      const [dump] = await db.sql.unsafe(`select coalesce(string_agg(row_to_json(t)::text, ''), '') as all from console.${table} t`);
      expect(String(dump!.all)).not.toContain(KEY);
    }
    expect((await db.sql`select count(*)::int as n from console.audit_log`)[0]!.n).toBeGreaterThan(0);
  });

  it('lists newest first, filtered and paged', async () => {
    const scratch = await fresh();
    try {
      for (const [actor, action, environment, outcome] of [
        ['ann', 'apply', 'staging', 'ok'],
        ['bob', 'rollback', 'staging', 'failed'],
        ['ann', 'dry-run', 'production', 'ok'],
        ['ann', 'apply', 'production', 'denied'],
      ] as const) {
        await appendAudit(scratch.sql, KEY, { actor, role: 'operator', action, environment, outcome });
      }
      expect((await listAudit(scratch.sql, { actor: 'ann' })).map((e) => e.id)).toEqual([4, 3, 1]);
      expect((await listAudit(scratch.sql, { action: 'apply', environment: 'production' })).map((e) => e.id)).toEqual([4]);
      expect((await listAudit(scratch.sql, { outcome: 'failed' })).map((e) => e.actor)).toEqual(['bob']);
      expect((await listAudit(scratch.sql, { limit: 2 })).map((e) => e.id)).toEqual([4, 3]);
      expect((await listAudit(scratch.sql, { limit: 2, beforeId: 3 })).map((e) => e.id)).toEqual([2, 1]);
    } finally {
      await scratch.drop();
    }
  });
});

describe('the head kept outside the database', () => {
  const headFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-audit-head-')), 'audit-head.json');

  it('follows every append, and verify matches it', async () => {
    const scratch = await fresh();
    const file = headFile();
    try {
      expect((await verifyAudit(scratch.sql, KEY, file)).head).toMatchObject({ state: 'missing' });
      for (let i = 1; i <= 3; i++) await appendAudit(scratch.sql, KEY, { actor: `u${i}`, role: 'admin', action: 'test', outcome: 'ok' }, file);
      const [last] = await listAudit(scratch.sql, { limit: 1 });
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')).chains;
      expect(Object.values(stored)).toEqual([expect.objectContaining({ id: 3, hash: last!.hash })]);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(await verifyAudit(scratch.sql, KEY, file)).toMatchObject({ ok: true, entries: 3, head: { state: 'matches', id: 3 } });
    } finally {
      await scratch.drop();
    }
  });

  it('reports the newest entries cut off by someone who can disable the trigger', async () => {
    const scratch = await fresh();
    const file = headFile();
    try {
      for (let i = 1; i <= 5; i++) await appendAudit(scratch.sql, KEY, { actor: `u${i}`, role: 'admin', action: 'test', outcome: 'ok' }, file);
      await tamper(scratch.sql, () => scratch.sql`delete from console.audit_log where id >= 4`);
      // Without the head the shorter chain is valid: that is exactly the gap the head closes.
      expect(await verifyAudit(scratch.sql, KEY)).toMatchObject({ ok: true, entries: 3 });
      const verdict = await verifyAudit(scratch.sql, KEY, file);
      expect(verdict).toMatchObject({ ok: false, entries: 3, firstBroken: { id: 4, reason: expect.stringMatching(/newest entries were cut.*#5.*ends at #3/) }, head: { state: 'cut' } });
      // Emptying the table entirely, then starting afresh, is noticed too: the new chain is another chain.
      await tamper(scratch.sql, () => scratch.sql`delete from console.audit_log`);
      await appendAudit(scratch.sql, KEY, { actor: 'fresh', role: 'admin', action: 'test', outcome: 'ok' }, file);
      expect(await verifyAudit(scratch.sql, KEY, file)).toMatchObject({ ok: false, head: { state: 'cut', recorded: { id: 5 } } });
    } finally {
      await scratch.drop();
    }
  });

  it('a head behind the chain (a crash between commit and file, another host) is not a cut; a head that disagrees is', async () => {
    const scratch = await fresh();
    const file = headFile();
    try {
      await appendAudit(scratch.sql, KEY, { actor: 'a', role: 'admin', action: 'test', outcome: 'ok' }, file);
      await appendAudit(scratch.sql, KEY, { actor: 'b', role: 'admin', action: 'test', outcome: 'ok' });
      expect(await verifyAudit(scratch.sql, KEY, file)).toMatchObject({ ok: true, head: { state: 'behind', id: 1, newer: 1 } });
      // Replace entry 2 with a re-hashed forgery: the chain holds (the forger has the key), the head does not agree.
      await appendAudit(scratch.sql, KEY, { actor: 'c', role: 'admin', action: 'test', outcome: 'ok' }, file);
      const [{ hash }] = (await scratch.sql`select hash from console.audit_log where id = 3`) as unknown as [{ hash: string }];
      await tamper(scratch.sql, () => scratch.sql`delete from console.audit_log where id = 3`);
      await appendAudit(scratch.sql, KEY, { actor: 'forger', role: 'admin', action: 'test', outcome: 'ok' });
      expect((await scratch.sql`select hash from console.audit_log where id = 3`)[0]!.hash).not.toBe(hash);
      expect(await verifyAudit(scratch.sql, KEY, file)).toMatchObject({ ok: false, head: { state: 'cut' } });
    } finally {
      await scratch.drop();
    }
  });

  it('only moves forward under concurrent appenders', async () => {
    const scratch = await fresh();
    const file = headFile();
    const wide = connect(scratch.url, { max: 6 });
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(wide, KEY, { actor: `p${i}`, role: 'admin', action: 'test', outcome: 'ok' }, file)));
      expect(await verifyAudit(scratch.sql, KEY, file)).toMatchObject({ ok: true, entries: 12, head: { state: 'matches', id: 12 } });
    } finally {
      await wide.end();
      await scratch.drop();
    }
  });
});
