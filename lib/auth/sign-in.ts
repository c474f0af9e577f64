import type { Sql } from '../db/client';
import { CONSOLE_LOCK_CLASS, type ConsoleQueryable } from './console-db';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import type { User } from './types';
import { getUser, MAX_PASSWORD_LENGTH } from './users';
import { GateFull, WorkGate } from './work-gate';

/**
 * Password sign-in with throttling that a forged header cannot evade and that an attacker
 * cannot turn against someone else. Two rules, both counting wrong passwords in the last
 * 15 minutes (console.sign_in_attempts):
 *
 * - **Per address** (the address the front door saw on the connection): after 5 wrong
 *   passwords, each further attempt must wait min(2^(failures-5) × 30 s, 15 min) after the
 *   last failure and is answered `throttled` before that. Only the guesser's own address
 *   is affected.
 * - **Per user name**, without locking anyone out: wrong passwords for a user from
 *   addresses that have not signed in as that user in the last 30 days count. Past 10,
 *   attempts from such unknown addresses are slowed — the server waits, holding no
 *   database connection, 1 s doubling up to 10 s — and serialised: each takes the next
 *   free "slot" for that user name, so many addresses in parallel cannot multiply the
 *   guessing rate. An attempt whose slot would be more than 30 s away is answered
 *   `throttled` without checking the password. An address that signed in as the user
 *   before is never slowed by this rule, so a distributed guesser cannot keep the real
 *   user out.
 *
 * No database connection is held while hashing: a short transaction reserves the attempt
 * (per-address advisory lock, the checks, a `pending` row that counts as a failure so
 * parallel guesses cannot outrun the count, the user's hash), then scrypt runs, then the
 * outcome replaces `pending`. In-process gates bound the work: at most 2 sign-in database
 * transactions and 2 hashes at a time, with bounded queues; past them the answer is
 * `throttled` at once. So a burst of sign-ins holds at most 2 of the console pool's
 * connections, for milliseconds, and other people's pages keep theirs.
 *
 * An unknown user costs one scrypt like a known one. Writes no audit entry: the caller does.
 */

export type SignInResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'disabled' | 'throttled'; retryAfterSeconds?: number };

export const SIGN_IN_RULES = {
  windowSeconds: 15 * 60,
  address: { freeFailures: 5, baseSeconds: 30, maxSeconds: 15 * 60 },
  user: { freeFailures: 10, baseMs: 1000, maxMs: 10_000, horizonMs: 30_000, knownForDays: 30 },
} as const;

export interface SignInGates {
  /** Reserving an attempt and recording its outcome: short transactions on the console pool. */
  database: WorkGate;
  /** scrypt: 32 MiB and tens of milliseconds of a core each. */
  hashing: WorkGate;
}

export function createSignInGates(limits: { database?: [number, number]; hashing?: [number, number] } = {}): SignInGates {
  const [dbConcurrency, dbQueue] = limits.database ?? [2, 200];
  const [hashConcurrency, hashQueue] = limits.hashing ?? [2, 64];
  return { database: new WorkGate('sign-in database work', dbConcurrency, dbQueue), hashing: new WorkGate('password hashing', hashConcurrency, hashQueue) };
}

// Process-wide (globalThis: a development server's module reloads keep them).
const gatesKey = Symbol.for('strata.sign-in-gates');
function sharedGates(): SignInGates {
  const g = globalThis as unknown as Record<symbol, SignInGates | undefined>;
  g[gatesKey] ??= createSignInGates();
  return g[gatesKey]!;
}

export interface SignInOptions {
  /** Default: the process-wide gates. */
  gates?: SignInGates;
  /** How a slowed attempt waits for its slot (tests observe it instead of waiting). */
  wait?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// A real hash of a random password: unknown users cost one scrypt too, like known ones.
let decoy: Promise<string> | null = null;
function decoyHash(): Promise<string> {
  decoy ??= hashPassword(generatePassword());
  return decoy;
}

const THROTTLED_BUSY: SignInResult = { ok: false, reason: 'throttled', retryAfterSeconds: 1 };
/** PostgreSQL's lock_not_available: a reservation waited its lock_timeout for an advisory lock. */
const LOCK_TIMEOUT = '55P03';

type Reservation = { ok: false; result: SignInResult } | { ok: true; id: number; hash: string | null; waitMs: number };

/** Checks a user name and password from `ip` (the front door's client address), recording the attempt. */
export async function signIn(sql: Sql, input: { username: string; password: string; ip: string }, options: SignInOptions = {}): Promise<SignInResult> {
  const ip = (input.ip || 'unknown').slice(0, 100);
  const username = input.username.trim().toLowerCase().slice(0, 100);
  const password = input.password.slice(0, MAX_PASSWORD_LENGTH + 1);
  const gates = options.gates ?? sharedGates();
  const stand = await decoyHash();

  let reservation: Reservation;
  try {
    reservation = await gates.database.run(() => reserve(sql, ip, username));
  } catch (error) {
    // A flood queued for the database, or (several consoles) another one holding this address
    // or user name for seconds: refused unrecorded (recording needs the database it is queueing for).
    if (error instanceof GateFull || (error as { code?: string }).code === LOCK_TIMEOUT) return THROTTLED_BUSY;
    throw error;
  }
  if (!reservation.ok) return reservation.result;
  const { id, hash, waitMs } = reservation;
  if (waitMs > 0) await (options.wait ?? sleep)(waitMs);

  let matches: boolean;
  try {
    matches = await gates.hashing.run(() => verifyPassword(password, hash ?? stand));
  } catch (error) {
    if (!(error instanceof GateFull)) throw error;
    // No password was checked: the reserved attempt is not a failure.
    await gates.database.run(() => settle(sql, id, false, 'throttled'), 'always');
    return THROTTLED_BUSY;
  }
  return gates.database.run(async () => {
    if (!hash || !matches || password.length > MAX_PASSWORD_LENGTH) {
      await settle(sql, id, false, 'invalid');
      return { ok: false, reason: 'invalid' } as const;
    }
    const user = await getUser(sql, username);
    if (!user) {
      await settle(sql, id, false, 'invalid');
      return { ok: false, reason: 'invalid' } as const;
    }
    if (user.disabled) {
      await settle(sql, id, false, 'disabled');
      return { ok: false, reason: 'disabled' } as const;
    }
    await settle(sql, id, true, null);
    return { ok: true, user } as const;
  }, 'always');
}

/** Replaces a reserved attempt's `pending` with its outcome. */
async function settle(sql: Sql, id: number, ok: boolean, reason: 'invalid' | 'disabled' | 'throttled' | null): Promise<void> {
  await sql`update console.sign_in_attempts set ok = ${ok}, reason = ${reason} where id = ${id}`;
}

/**
 * One short transaction: the address rule under the address's advisory lock, then the user
 * rule under the user name's (always in that order, so two attempts never wait on each
 * other crosswise), then a `pending` attempt (with its slot when slowed) and the user's hash.
 */
async function reserve(sql: Sql, ip: string, username: string): Promise<Reservation> {
  return sql.begin(async (tx) => {
    await tx`select set_config('lock_timeout', '5s', true)`;
    const refuse = async (retryAfterSeconds: number): Promise<Reservation> => {
      await tx`insert into console.sign_in_attempts (ip, username, ok, reason) values (${ip}, ${username}, false, 'throttled')`;
      return { ok: false, result: { ok: false, reason: 'throttled', retryAfterSeconds } };
    };
    await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, hashtext(${`sign-in:address:${ip}`}))`;
    const addressWait = await addressWaitSeconds(tx, ip);
    if (addressWait > 0) return refuse(addressWait);
    await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, hashtext(${`sign-in:user:${username}`}))`;
    const slot = await userSlot(tx, ip, username);
    if (slot.inMs > SIGN_IN_RULES.user.horizonMs) return refuse(Math.ceil(slot.inMs / 1000));
    const [attempt] = await tx`
      insert into console.sign_in_attempts (ip, username, ok, reason, slot_at) values (${ip}, ${username}, false, 'pending', ${slot.at})
      returning id`;
    const [user] = await tx`select password_hash from console.users where username = ${username}`;
    return { ok: true, id: Number(attempt!.id), hash: (user?.password_hash as string | null) ?? null, waitMs: slot.inMs };
  }) as Promise<Reservation>;
}

/** Wrong passwords (and attempts still being checked) count; refusals do not. */
const FAILED = `reason in ('invalid', 'pending')`;

/** Seconds until `ip` may try again (0: now). */
async function addressWaitSeconds(tx: ConsoleQueryable, ip: string): Promise<number> {
  const { windowSeconds, address } = SIGN_IN_RULES;
  const [row] = await tx.unsafe(
    `select count(*)::int as failures, extract(epoch from clock_timestamp() - max(at))::float8 as since_last
     from console.sign_in_attempts
     where ip = $1 and ${FAILED} and at > clock_timestamp() - make_interval(secs => $2)`,
    [ip, windowSeconds],
  );
  const failures = Number(row?.failures ?? 0);
  if (failures < address.freeFailures) return 0;
  const wait = Math.min(2 ** (failures - address.freeFailures) * address.baseSeconds, address.maxSeconds);
  const remaining = wait - Number(row?.since_last ?? 0);
  return remaining > 0 ? Math.ceil(remaining) : 0;
}

/**
 * When this attempt may be checked under the per-user rule: now (`at` null) for an address
 * that signed in as the user within 30 days or while the user has had at most 10 failures
 * from unknown addresses; else the next free slot, `delay` after the later of now and the
 * last slot taken, the delay doubling from 1 s with each failure past 10, up to 10 s.
 * Times come from the database's clock, the one the slots are stored in.
 */
async function userSlot(tx: ConsoleQueryable, ip: string, username: string): Promise<{ at: Date | null; inMs: number }> {
  const { windowSeconds, user } = SIGN_IN_RULES;
  const [row] = await tx.unsafe(
    `with known as (
       select distinct ip from console.sign_in_attempts
       where username = $1 and ok and at > clock_timestamp() - make_interval(days => $3))
     select exists (select 1 from known where ip = $2) as known,
            (select count(*)::int from console.sign_in_attempts
             where username = $1 and ${FAILED} and at > clock_timestamp() - make_interval(secs => $4)
               and ip not in (select ip from known)) as failures,
            (select max(slot_at) from console.sign_in_attempts
             where username = $1 and slot_at > clock_timestamp() - make_interval(secs => $4)) as last_slot,
            clock_timestamp() as now`,
    [username, ip, user.knownForDays, windowSeconds],
  );
  const failures = Number(row?.failures ?? 0);
  if (row?.known || failures < user.freeFailures) return { at: null, inMs: 0 };
  const now = new Date(row!.now).getTime();
  const last = row!.last_slot ? new Date(row!.last_slot).getTime() : now;
  const delay = Math.min(2 ** (failures - user.freeFailures) * user.baseMs, user.maxMs);
  const at = Math.max(now, last) + delay;
  return { at: new Date(at), inMs: at - now };
}
