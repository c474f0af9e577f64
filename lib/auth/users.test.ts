import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { ensureConsoleSchema } from './console-db';
import { signIn } from './sign-in';
import { createUser, disableUser, ensureFirstAdmin, getUser, listUsers, setRole, upsertOidcUser } from './users';

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
    expect(tables.map((t) => t.table_name)).toEqual(['audit_log', 'change_requests', 'erd_views', 'expected_schemas', 'fleet_targets', 'operations', 'queue_workers', 'rollout_targets', 'rollouts', 'schema_meta', 'sign_in_attempts', 'users']);
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
    await createUser(db.sql, { username: 'olga', role: 'operator', password: PASSWORD });
    await expect(upsertOidcUser(db.sql, { subject: 'sub-evil', username: 'olga', displayName: null }, 'viewer')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await getUser(db.sql, 'olga')).toMatchObject({ oidcSubject: null, role: 'operator' });
  });
});
