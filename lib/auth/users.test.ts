import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../db/client';
import { createScratchDatabase, type ScratchDatabase } from '../testing/scratch-database';
import { ensureConsoleSchema } from './console-db';
import { createUser, disableUser, ensureFirstAdmin, getUser, listUsers, setRole, signIn, upsertOidcUser } from './users';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('users');
  await ensureConsoleSchema(db.sql);
});
afterAll(async () => {
  await db.drop();
});

const PASSWORD = 'a long enough password';

describe('console schema', () => {
  it('is created once and is idempotent under concurrency', async () => {
    await Promise.all([ensureConsoleSchema(db.sql), ensureConsoleSchema(db.sql), ensureConsoleSchema(db.sql)]);
    const tables = await db.sql`select table_name from information_schema.tables where table_schema = 'console' order by 1`;
    expect(tables.map((t) => t.table_name)).toEqual(['audit_log', 'change_requests', 'expected_schemas', 'schema_meta', 'sign_in_attempts', 'users']);
  });
});

describe('users', () => {
  it('validate names, roles and passwords', async () => {
    for (const username of ['A', 'a', 'Alice', '1abc', 'has space', 'x'.repeat(41), 'é-user']) {
      await expect(createUser(db.sql, { username, role: 'viewer', password: PASSWORD })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    }
    await expect(createUser(db.sql, { username: 'shorty', role: 'viewer', password: 'eleven char' })).rejects.toMatchObject({ code: 'BAD_USAGE', message: expect.stringMatching(/at least 12/) });
    await expect(createUser(db.sql, { username: 'roleless', role: 'root' as never, password: PASSWORD })).rejects.toMatchObject({ code: 'BAD_USAGE', message: expect.stringMatching(/Unknown role/) });
    expect(await getUser(db.sql, 'shorty')).toBeNull();
  });

  it('create, list and refuse a duplicate', async () => {
    const user = await createUser(db.sql, { username: 'dora.dev', role: 'developer', password: PASSWORD, displayName: '  Dora  ' });
    expect(user).toMatchObject({ username: 'dora.dev', role: 'developer', displayName: 'Dora', disabled: false, oidcSubject: null });
    expect(user.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    await expect(createUser(db.sql, { username: 'dora.dev', role: 'viewer', password: PASSWORD })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/already exists/) });
    expect((await listUsers(db.sql)).map((u) => u.username)).toContain('dora.dev');
    const [row] = await db.sql`select password_hash from console.users where username = 'dora.dev'`;
    expect(row!.password_hash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(row!.password_hash).not.toContain(PASSWORD);
  });

  it('never demote or disable the last enabled admin', async () => {
    const scratch = await createScratchDatabase('admins');
    try {
      await ensureConsoleSchema(scratch.sql);
      const first = await ensureFirstAdmin(scratch.sql, null);
      expect(first).toMatchObject({ created: true, username: 'admin' });
      expect(first.password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(await ensureFirstAdmin(scratch.sql, null)).toEqual({ created: false, username: 'admin', password: null });
      expect((await signIn(scratch.sql, { username: 'admin', password: first.password!, ip: '10.0.0.1' })).ok).toBe(true);

      await expect(setRole(scratch.sql, 'admin', 'operator')).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/last enabled admin/) });
      await expect(disableUser(scratch.sql, 'admin')).rejects.toMatchObject({ code: 'INVALID_STATE' });
      await expect(setRole(scratch.sql, 'nobody', 'viewer')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(disableUser(scratch.sql, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });

      await createUser(scratch.sql, { username: 'second', role: 'admin', password: PASSWORD });
      // Two admins demoting each other at once: one of them stays admin.
      const results = await Promise.allSettled([setRole(scratch.sql, 'admin', 'viewer'), setRole(scratch.sql, 'second', 'viewer')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const admins = (await listUsers(scratch.sql)).filter((u) => u.role === 'admin' && !u.disabled);
      expect(admins).toHaveLength(1);
      // A disabled admin does not count.
      await createUser(scratch.sql, { username: 'third', role: 'admin', password: PASSWORD });
      await disableUser(scratch.sql, 'third');
      await expect(setRole(scratch.sql, admins[0]!.username, 'operator')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    } finally {
      await scratch.drop();
    }
  });

  it('ensureFirstAdmin uses the given password and does not hand it back', async () => {
    const scratch = await createScratchDatabase('first');
    try {
      await ensureConsoleSchema(scratch.sql);
      expect(await ensureFirstAdmin(scratch.sql, 'the given admin password')).toEqual({ created: true, username: 'admin', password: null });
      expect((await signIn(scratch.sql, { username: 'admin', password: 'the given admin password', ip: 'x' })).ok).toBe(true);
    } finally {
      await scratch.drop();
    }
  });

  it('sign in with the right password; refuse a wrong one, an unknown user and a disabled user', async () => {
    await createUser(db.sql, { username: 'olga', role: 'operator', password: PASSWORD });
    const ok = await signIn(db.sql, { username: 'olga', password: PASSWORD, ip: '192.0.2.1' });
    expect(ok).toMatchObject({ ok: true, user: { username: 'olga', role: 'operator' } });
    expect(await signIn(db.sql, { username: ' OLGA ', password: PASSWORD, ip: '192.0.2.1' })).toMatchObject({ ok: true });
    expect(await signIn(db.sql, { username: 'olga', password: 'wrong password!', ip: '192.0.2.1' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await signIn(db.sql, { username: 'ghost', password: PASSWORD, ip: '192.0.2.1' })).toEqual({ ok: false, reason: 'invalid' });

    await createUser(db.sql, { username: 'gone', role: 'operator', password: PASSWORD });
    await disableUser(db.sql, 'gone');
    expect(await signIn(db.sql, { username: 'gone', password: PASSWORD, ip: '192.0.2.2' })).toEqual({ ok: false, reason: 'disabled' });
    // A wrong password for a disabled user says only "invalid".
    expect(await signIn(db.sql, { username: 'gone', password: 'not the password', ip: '192.0.2.2' })).toEqual({ ok: false, reason: 'invalid' });

    const attempts = await db.sql`select ip, username, ok, reason from console.sign_in_attempts where ip in ('192.0.2.1', '192.0.2.2') order by id`;
    expect(attempts.map((a) => `${a.ip} ${a.username} ${a.ok} ${a.reason}`)).toEqual([
      '192.0.2.1 olga true null',
      '192.0.2.1 olga true null',
      '192.0.2.1 olga false invalid',
      '192.0.2.1 ghost false invalid',
      '192.0.2.2 gone false disabled',
      '192.0.2.2 gone false invalid',
    ]);
  });

  it('an unknown user costs about as much as a known one (one scrypt)', async () => {
    const time = async (username: string) => {
      const t0 = performance.now();
      await signIn(db.sql, { username, password: 'some wrong password', ip: `timing-${username}` });
      return performance.now() - t0;
    };
    await time('olga');
    const known = await time('olga');
    const unknown = await time('nobody-at-all');
    expect(unknown).toBeGreaterThan(known / 3);
  });
});

describe('sign-in throttling', () => {
  it('refuses the 6th attempt after 5 failures, even with the right password, and says when to retry', async () => {
    await createUser(db.sql, { username: 'tina', role: 'viewer', password: PASSWORD });
    const ip = '198.51.100.7';
    for (let i = 0; i < 5; i++) {
      expect(await signIn(db.sql, { username: 'tina', password: `wrong password ${i}`, ip })).toEqual({ ok: false, reason: 'invalid' });
    }
    const refused = await signIn(db.sql, { username: 'tina', password: PASSWORD, ip });
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.ok === false && refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    // Another address is not affected.
    expect(await signIn(db.sql, { username: 'tina', password: PASSWORD, ip: '198.51.100.8' })).toMatchObject({ ok: true });
    // Refused attempts are recorded but do not lengthen the wait.
    const [{ n }] = (await db.sql`select count(*)::int as n from console.sign_in_attempts where ip = ${ip} and reason = 'throttled'`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('doubles the wait with each failure past 5, up to 15 minutes, and forgets failures older than 15 minutes', async () => {
    await createUser(db.sql, { username: 'walt', role: 'viewer', password: PASSWORD });
    const failures = async (ip: string, ages: number[]) => {
      for (const age of ages) {
        await db.sql`insert into console.sign_in_attempts (ip, username, ok, reason, at) values (${ip}, 'walt', false, 'invalid', clock_timestamp() - make_interval(secs => ${age}))`;
      }
    };
    const attempt = (ip: string) => signIn(db.sql, { username: 'walt', password: PASSWORD, ip });

    // 7 failures, the last 70 s ago: locked for 2^2 × 30 = 120 s after it, so ~50 s to go.
    await failures('203.0.113.1', [300, 250, 200, 150, 100, 80, 70]);
    const seven = await attempt('203.0.113.1');
    expect(seven).toMatchObject({ ok: false, reason: 'throttled' });
    expect(seven.ok === false && seven.retryAfterSeconds).toBeGreaterThanOrEqual(49);
    expect(seven.ok === false && seven.retryAfterSeconds).toBeLessThanOrEqual(51);

    // 5 failures, the last 40 s ago: the 30 s lockout is over.
    await failures('203.0.113.2', [200, 150, 100, 50, 40]);
    expect(await attempt('203.0.113.2')).toMatchObject({ ok: true });

    // 20 failures within the window: capped at 15 minutes after the last one.
    await failures('203.0.113.3', Array.from({ length: 20 }, (_, i) => 200 - i * 10));
    const many = await attempt('203.0.113.3');
    expect(many.ok === false && many.retryAfterSeconds).toBeGreaterThanOrEqual(889);
    expect(many.ok === false && many.retryAfterSeconds).toBeLessThanOrEqual(900);

    // Failures older than 15 minutes do not count.
    await failures('203.0.113.4', [2000, 1900, 1800, 1700, 1600, 1500]);
    expect(await attempt('203.0.113.4')).toMatchObject({ ok: true });
  });

  it('parallel guesses from one address cannot outrun the count', async () => {
    const ip = '203.0.113.99';
    const wide = connect(db.url, { max: 8 });
    let results: Awaited<ReturnType<typeof signIn>>[];
    try {
      results = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(wide, { username: 'walt', password: `guess number ${i}`, ip })));
    } finally {
      await wide.end();
    }
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(3);
  });
});

describe('OpenID Connect users', () => {
  it('are created once per subject with the default role, and keep their display name current', async () => {
    const first = await upsertOidcUser(db.sql, { subject: 'sub-123', username: 'sam', displayName: 'Sam' }, 'viewer');
    expect(first).toMatchObject({ username: 'sam', role: 'viewer', oidcSubject: 'sub-123', displayName: 'Sam' });
    await setRole(db.sql, 'sam', 'operator');
    const again = await upsertOidcUser(db.sql, { subject: 'sub-123', username: 'sam', displayName: 'Sam Smith' }, 'viewer');
    expect(again).toMatchObject({ id: first.id, role: 'operator', displayName: 'Sam Smith' });
    // No password: it cannot sign in with one.
    expect(await signIn(db.sql, { username: 'sam', password: 'anything at all', ip: 'oidc-test' })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('never take over an existing user of the same name', async () => {
    await expect(upsertOidcUser(db.sql, { subject: 'sub-evil', username: 'olga', displayName: null }, 'viewer')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await getUser(db.sql, 'olga')).toMatchObject({ oidcSubject: null, role: 'operator' });
  });
});
