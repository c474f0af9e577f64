import type postgres from 'postgres';
import type { Sql } from '../db/client';
import { StrataError } from '../errors';
import { CONSOLE_LOCK_CLASS, CONSOLE_LOCKS, type ConsoleQueryable } from './console-db';
import { generatePassword, hashPassword } from './passwords';
import { ROLES, type Role, type User } from './types';

/**
 * Console users: local accounts (scrypt password) and OpenID Connect accounts (subject).
 * Changes that could leave the console without an administrator are serialized by an
 * advisory lock and refused.
 */

export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{1,39}$/;
export const MIN_PASSWORD_LENGTH = 12;
/** Longer input is refused rather than hashed (no one types 1 KB passwords). */
export const MAX_PASSWORD_LENGTH = 1024;

function toUser(r: postgres.Row): User {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name ?? null,
    role: r.role,
    disabled: Boolean(r.disabled),
    oidcSubject: r.oidc_subject ?? null,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    createdBy: r.created_by ?? null,
    roleChangedBy: r.role_changed_by ?? null,
    roleChangedAt: new Date(r.role_changed_at ?? r.created_at).toISOString(),
  };
}

const USER_COLUMNS = 'id, username, display_name, role, disabled, oidc_subject, created_at, updated_at, created_by, role_changed_by, role_changed_at';

export function assertRole(role: string): asserts role is Role {
  if (!ROLES.includes(role as Role)) throw new StrataError('BAD_USAGE', `Unknown role "${role}": one of ${ROLES.join(', ')}`);
}

function assertUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new StrataError('BAD_USAGE', `User names are 2–40 characters: a lower-case letter, then lower-case letters, digits, . _ or - (got "${username.slice(0, 60)}")`);
  }
}

function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new StrataError('BAD_USAGE', `Passwords need at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new StrataError('BAD_USAGE', `Passwords have at most ${MAX_PASSWORD_LENGTH} characters`);
}

function cleanDisplayName(name: string | null | undefined): string | null {
  const trimmed = (name ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return trimmed ? trimmed.slice(0, 100) : null;
}

async function lockUsers(tx: ConsoleQueryable): Promise<void> {
  await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.users})`;
}

async function insertUser(
  tx: ConsoleQueryable,
  input: { username: string; role: Role; passwordHash: string | null; displayName: string | null; oidcSubject: string | null; createdBy: string | null },
): Promise<User | null> {
  const [row] = await tx.unsafe(
    `insert into console.users (username, role, password_hash, display_name, oidc_subject, created_by, role_changed_by, role_changed_at)
     values ($1, $2, $3, $4, $5, $6, $6, now()) on conflict do nothing returning ${USER_COLUMNS}`,
    [input.username, input.role, input.passwordHash, input.displayName, input.oidcSubject, input.createdBy],
  );
  return row ? toUser(row) : null;
}

/** `createdBy`: who is adding the account (recorded: an approval never counts from an account its requester made). */
export async function createUser(
  sql: Sql,
  input: { username: string; role: Role; password: string | null; displayName?: string | null; createdBy?: string | null },
): Promise<User> {
  assertUsername(input.username);
  assertRole(input.role);
  if (input.password !== null) assertPassword(input.password);
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  const user = await insertUser(sql, { username: input.username, role: input.role, passwordHash, displayName: cleanDisplayName(input.displayName), oidcSubject: null, createdBy: input.createdBy ?? null });
  if (!user) throw new StrataError('INVALID_STATE', `A user named ${input.username} already exists`);
  return user;
}

export async function listUsers(sql: Sql): Promise<User[]> {
  const rows = await sql.unsafe(`select ${USER_COLUMNS} from console.users order by username`);
  return rows.map(toUser);
}

export async function getUser(sql: Sql, username: string): Promise<User | null> {
  const [row] = await sql.unsafe(`select ${USER_COLUMNS} from console.users where username = $1`, [username]);
  return row ? toUser(row) : null;
}

/** The user who signs in through OpenID Connect with this subject, if any. */
export async function getUserByOidcSubject(sql: Sql, subject: string): Promise<User | null> {
  const [row] = await sql.unsafe(`select ${USER_COLUMNS} from console.users where oidc_subject = $1`, [subject]);
  return row ? toUser(row) : null;
}

/**
 * Changes a user under the users lock, refusing a change that would leave no enabled
 * administrator (two admins demoting each other at once cannot both succeed).
 */
async function changeUser(sql: Sql, username: string, change: { role?: Role; disabled?: boolean }, by: string | null): Promise<User> {
  return sql.begin(async (tx) => {
    await lockUsers(tx);
    const [current] = await tx.unsafe(`select ${USER_COLUMNS} from console.users where username = $1`, [username]);
    if (!current) throw new StrataError('NOT_FOUND', `No user named ${username}`);
    const before = toUser(current);
    const role = change.role ?? before.role;
    const disabled = change.disabled ?? before.disabled;
    if (role === before.role && disabled === before.disabled) return before;
    const losesAdmin = before.role === 'admin' && !before.disabled && (role !== 'admin' || disabled);
    if (losesAdmin) {
      const [{ n }] = (await tx`
        select count(*)::int as n from console.users where role = 'admin' and not disabled and username <> ${username}`) as unknown as [{ n: number }];
      if (n === 0) {
        throw new StrataError('INVALID_STATE', `${username} is the last enabled admin: make another user admin first`);
      }
    }
    // Who gave the account its current role, and when, is kept for the approval rules.
    const [row] = await tx.unsafe(
      `update console.users set role = $2, disabled = $3, updated_at = now(),
         role_changed_by = case when role <> $2 then $4 else role_changed_by end,
         role_changed_at = case when role <> $2 then now() else role_changed_at end
       where username = $1 returning ${USER_COLUMNS}`,
      [username, role, disabled, by],
    );
    return toUser(row!);
  }) as Promise<User>;
}

/** `by`: who changes the role (recorded with the time: see the approval rules in requests.ts). */
export async function setRole(sql: Sql, username: string, role: Role, by: string | null = null): Promise<User> {
  assertRole(role);
  return changeUser(sql, username, { role }, by);
}

export async function disableUser(sql: Sql, username: string, by: string | null = null): Promise<User> {
  return changeUser(sql, username, { disabled: true }, by);
}

export async function enableUser(sql: Sql, username: string, by: string | null = null): Promise<User> {
  return changeUser(sql, username, { disabled: false }, by);
}

/** Sets (or, with null, removes) a user's password. */
export async function setPassword(sql: Sql, username: string, password: string | null): Promise<User> {
  if (password !== null) assertPassword(password);
  const hash = password === null ? null : await hashPassword(password);
  const [row] = await sql.unsafe(
    `update console.users set password_hash = $2, updated_at = now() where username = $1 returning ${USER_COLUMNS}`,
    [username, hash],
  );
  if (!row) throw new StrataError('NOT_FOUND', `No user named ${username}`);
  return toUser(row);
}

/**
 * The console user of an OpenID Connect identity: found by subject (its display name kept
 * current), else created with `defaultRole`. A subject never takes over an existing user
 * of the same name: that is refused (INVALID_STATE) for an admin to sort out.
 */
export async function upsertOidcUser(
  sql: Sql,
  input: { subject: string; username: string; displayName: string | null },
  defaultRole: Role,
): Promise<User> {
  assertRole(defaultRole);
  const subject = input.subject.trim();
  if (!subject) throw new StrataError('BAD_USAGE', 'An OpenID Connect identity needs a subject');
  const displayName = cleanDisplayName(input.displayName);
  return sql.begin(async (tx) => {
    await lockUsers(tx);
    const [found] = await tx.unsafe(`select ${USER_COLUMNS} from console.users where oidc_subject = $1`, [subject]);
    if (found) {
      if ((found.display_name ?? null) === displayName) return toUser(found);
      const [row] = await tx.unsafe(
        `update console.users set display_name = $2, updated_at = now() where id = $1 returning ${USER_COLUMNS}`,
        [found.id, displayName],
      );
      return toUser(row!);
    }
    const username = input.username.trim().toLowerCase();
    assertUsername(username);
    const user = await insertUser(tx, { username, role: defaultRole, passwordHash: null, displayName, oidcSubject: subject, createdBy: 'single sign-on' });
    if (!user) {
      throw new StrataError('INVALID_STATE', `The user name ${username} belongs to another account: an admin must rename or remove it before this single sign-on identity can use it`);
    }
    return user;
  }) as Promise<User>;
}

/**
 * The first administrator: when there is no user at all, creates `admin` with `password`,
 * or a generated one which is returned (only then) so the caller can show it once.
 */
export async function ensureFirstAdmin(sql: Sql, password: string | null): Promise<{ created: boolean; username: string; password: string | null }> {
  if (password !== null) assertPassword(password);
  const [{ any }] = (await sql`select exists (select 1 from console.users) as any`) as unknown as [{ any: boolean }];
  if (any) return { created: false, username: await firstAdminName(sql), password: null };
  const chosen = password ?? generatePassword();
  const hash = await hashPassword(chosen);
  return sql.begin(async (tx) => {
    await lockUsers(tx);
    const [{ any: raced }] = (await tx`select exists (select 1 from console.users) as any`) as unknown as [{ any: boolean }];
    if (raced) return { created: false, username: await firstAdminName(tx), password: null };
    await insertUser(tx, { username: 'admin', role: 'admin', passwordHash: hash, displayName: 'Administrator', oidcSubject: null, createdBy: 'first start' });
    return { created: true, username: 'admin', password: password === null ? chosen : null };
  }) as Promise<{ created: boolean; username: string; password: string | null }>;
}

async function firstAdminName(sql: ConsoleQueryable): Promise<string> {
  const [row] = await sql`select username from console.users where role = 'admin' and not disabled order by id limit 1`;
  return row ? String(row.username) : '';
}
