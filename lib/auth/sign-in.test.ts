import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '../db/client';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { CONSOLE_LOCK_CLASS, ensureConsoleSchema } from './console-db';
import { createSignInGates, signIn, type SignInOptions, type SignInResult } from './sign-in';
import { createUser, disableUser } from './users';
import { WorkGate } from './work-gate';

/**
 * Sign-in and its throttling against a real console database: per address (only the
 * guesser's own address), per user name (slowed and serialised for unknown addresses,
 * never for one the user signed in from), parallel guesses that cannot outrun the count,
 * and a burst of sign-ins that leaves the pool to everyone else.
 */

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('signin');
  await ensureConsoleSchema(db.sql);
});
afterAll(async () => {
  await db.drop();
});

const PASSWORD = 'a long enough password';
/** Records how long each slowed attempt was told to wait, and does not wait. */
function recordedWaits(): { waits: number[]; options: SignInOptions } {
  const waits: number[] = [];
  return { waits, options: { wait: async (ms) => void waits.push(ms) } };
}

async function attempts(where: string, ...params: string[]) {
  return db.sql.unsafe(`select ip, username, ok, reason, slot_at from console.sign_in_attempts where ${where} order by id`, params);
}

describe('sign-in', () => {
  it('accepts the right password; refuses a wrong one, an unknown user and a disabled user; records every attempt settled', async () => {
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

    const rows = await attempts(`ip in ('192.0.2.1', '192.0.2.2')`);
    expect(rows.map((a) => `${a.ip} ${a.username} ${a.ok} ${a.reason}`)).toEqual([
      '192.0.2.1 olga true null',
      '192.0.2.1 olga true null',
      '192.0.2.1 olga false invalid',
      '192.0.2.1 ghost false invalid',
      '192.0.2.2 gone false disabled',
      '192.0.2.2 gone false invalid',
    ]);
  });

  it('an unknown user costs one scrypt, like a known one', async () => {
    class CountingGate extends WorkGate {
      runs = 0;
      override run<T>(work: () => Promise<T>, queued?: 'bounded' | 'always'): Promise<T> {
        this.runs += 1;
        return super.run(work, queued);
      }
    }
    const hashing = new CountingGate('hashing', 2, 10);
    const gates = { database: new WorkGate('db', 2, 10), hashing };
    await signIn(db.sql, { username: 'olga', password: 'some wrong password', ip: '192.0.2.3' }, { gates });
    expect(hashing.runs).toBe(1);
    await signIn(db.sql, { username: 'nobody-at-all', password: 'some wrong password', ip: '192.0.2.3' }, { gates });
    expect(hashing.runs).toBe(2);
  });
});

describe('per-address throttling', () => {
  it('refuses the 6th attempt after 5 failures, even with the right password, and only from that address', async () => {
    await createUser(db.sql, { username: 'tina', role: 'viewer', password: PASSWORD });
    const ip = '198.51.100.7';
    for (let i = 0; i < 5; i++) {
      expect(await signIn(db.sql, { username: 'tina', password: `wrong password ${i}`, ip })).toEqual({ ok: false, reason: 'invalid' });
    }
    const refused = await signIn(db.sql, { username: 'tina', password: PASSWORD, ip });
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.ok === false && refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    // Another address is not affected, for this user or any other.
    expect(await signIn(db.sql, { username: 'tina', password: PASSWORD, ip: '198.51.100.8' })).toMatchObject({ ok: true });
    // Refused attempts are recorded but do not lengthen the wait.
    const [{ n }] = (await db.sql`select count(*)::int as n from console.sign_in_attempts where ip = ${ip} and reason = 'throttled'`) as unknown as [{ n: number }];
    expect(n).toBe(1);
  });

  it('doubles the wait with each failure past 5, up to 15 minutes, and forgets failures older than 15 minutes', async () => {
    await createUser(db.sql, { username: 'walt', role: 'viewer', password: PASSWORD });
    // Failures against other user names: the address rule counts them all (and walt's own rule none).
    const failures = async (ip: string, ages: number[], reason = 'invalid') => {
      for (const [i, age] of ages.entries()) {
        await db.sql`insert into console.sign_in_attempts (ip, username, ok, reason, at) values (${ip}, ${`sprayed${i}`}, false, ${reason}, clock_timestamp() - make_interval(secs => ${age}))`;
      }
    };
    const attempt = (ip: string) => signIn(db.sql, { username: 'walt', password: PASSWORD, ip });

    // 7 failures, the last 70 s ago: locked for 2^2 × 30 = 120 s after it, so ~50 s to go.
    await failures('203.0.113.1', [300, 250, 200, 150, 100, 80, 70]);
    const seven = await attempt('203.0.113.1');
    expect(seven).toMatchObject({ ok: false, reason: 'throttled' });
    expect(seven.ok === false && seven.retryAfterSeconds).toBeGreaterThanOrEqual(49);
    expect(seven.ok === false && seven.retryAfterSeconds).toBeLessThanOrEqual(51);

    // 5 failures, the last 40 s ago: the 30 s wait is over.
    await failures('203.0.113.2', [200, 150, 100, 50, 40]);
    expect(await attempt('203.0.113.2')).toMatchObject({ ok: true });

    // Attempts still being checked (pending) count as failures.
    await failures('203.0.113.5', [50, 40, 30, 20], 'invalid');
    await failures('203.0.113.5', [10], 'pending');
    expect(await attempt('203.0.113.5')).toMatchObject({ ok: false, reason: 'throttled' });

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
    // As many connections and database turns as guesses: only the advisory lock and the pending rows hold the line.
    const wide = connect(db.url, { max: 8 });
    const gates = createSignInGates({ database: [8, 8] });
    let results: SignInResult[];
    try {
      // One guess for each of 8 user names: the per-user rule stays out of it.
      results = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(wide, { username: `target${i}`, password: `guess number ${i}`, ip }, { gates })));
    } finally {
      await wide.end();
    }
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(3);
  });
});

describe('per-user throttling', () => {
  it('slows a user name past 10 failures from unknown addresses, never the address it signed in from', async () => {
    await createUser(db.sql, { username: 'admin', role: 'admin', password: PASSWORD });
    const home = '192.0.2.50';
    expect(await signIn(db.sql, { username: 'admin', password: PASSWORD, ip: home })).toMatchObject({ ok: true });

    // 10 guesses, each from its own address: no address rule applies, and none is slowed yet.
    const { waits, options } = recordedWaits();
    for (let i = 1; i <= 10; i++) {
      expect(await signIn(db.sql, { username: 'admin', password: `guess ${i}`, ip: `10.9.0.${i}` }, options)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(waits).toEqual([]);

    // The 11th, from another unknown address, waits about a second before its password is checked…
    expect(await signIn(db.sql, { username: 'admin', password: 'guess 11', ip: '10.9.0.11' }, options)).toEqual({ ok: false, reason: 'invalid' });
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(900);
    expect(waits[0]).toBeLessThanOrEqual(1000);
    // …even with the right password: the rule cannot tell the real user on a new network from a guesser.
    expect(await signIn(db.sql, { username: 'admin', password: PASSWORD, ip: '10.9.0.12' }, options)).toMatchObject({ ok: true });
    expect(waits).toHaveLength(2);

    // From the address it signed in from before, admin is not slowed at all.
    expect(await signIn(db.sql, { username: 'admin', password: PASSWORD, ip: home }, options)).toMatchObject({ ok: true });
    expect(waits).toHaveLength(2);
    const [homeAttempt] = (await attempts(`ip = $1`, home)).slice(-1);
    expect(homeAttempt!.slot_at).toBeNull();
    // Other users are not slowed by admin's rule.
    await createUser(db.sql, { username: 'uma', role: 'viewer', password: PASSWORD });
    expect(await signIn(db.sql, { username: 'uma', password: PASSWORD, ip: '10.9.0.13' }, options)).toMatchObject({ ok: true });
    expect(waits).toHaveLength(2);
  });

  it('serialises guesses from many addresses at once into slots, and refuses those whose slot is more than 30 s away', async () => {
    await createUser(db.sql, { username: 'pia', role: 'viewer', password: PASSWORD });
    const home = '192.0.2.60';
    expect(await signIn(db.sql, { username: 'pia', password: PASSWORD, ip: home })).toMatchObject({ ok: true });
    const { waits, options } = recordedWaits();
    const wide = connect(db.url, { max: 10 });
    const gates = createSignInGates({ database: [10, 20] });
    let results: SignInResult[];
    try {
      results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => signIn(wide, { username: 'pia', password: `parallel guess ${i}`, ip: `10.8.0.${i + 1}` }, { ...options, gates })),
      );
    } finally {
      await wide.end();
    }
    // 10 free, then slots 1, 2, 4, 8 and 10 s apart (the 6th would be 35 s away), then refusals.
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(15);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(5);
    expect(waits).toHaveLength(5);
    const slots = (await attempts(`username = 'pia' and slot_at is not null`)).map((r) => new Date(r.slot_at).getTime()).sort((a, b) => a - b);
    expect(slots.slice(1).map((s, i) => s - slots[i]!)).toEqual([2000, 4000, 8000, 10_000]);
    expect(Math.max(...waits)).toBeLessThanOrEqual(30_000);

    // Meanwhile pia, from her usual address, signs in at once.
    expect(await signIn(db.sql, { username: 'pia', password: PASSWORD, ip: home }, options)).toMatchObject({ ok: true });
    expect(waits).toHaveLength(5);
    // A new unknown address is refused without its password being checked.
    const refused = await signIn(db.sql, { username: 'pia', password: PASSWORD, ip: '10.8.1.1' }, options);
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
    expect(refused.ok === false && refused.retryAfterSeconds).toBeGreaterThan(30);
  });
});

describe('sign-in and the console pool', () => {
  it('20 parallel bad sign-ins leave the pool to other pages: however long hashing takes, another query on the same pool completes meanwhile', async () => {
    // Hashing is held until the page has been served: if any attempt kept a connection while
    // its password waits to be hashed, the pool (10, like the console's) would be full and
    // the page query would never complete.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    class HeldGate extends WorkGate {
      override run<T>(work: () => Promise<T>, queued?: 'bounded' | 'always'): Promise<T> {
        return super.run(async () => {
          await released;
          return work();
        }, queued);
      }
    }
    const gates = { database: createSignInGates().database, hashing: new HeldGate('hashing', 2, 64) };
    const pool = connect(db.url, { max: 10 });
    let settled = 0;
    const signIns = Array.from({ length: 20 }, (_, i) =>
      signIn(pool, { username: `stranger${i}`, password: 'not a password at all', ip: `10.7.0.${i + 1}` }, { gates }).finally(() => {
        settled += 1;
      }),
    );
    try {
      // Every attempt is under way (recorded, its password waiting to be checked) when another user's page asks.
      await vi.waitFor(
        async () => {
          const [row] = await db.sql`select count(*)::int as n from console.sign_in_attempts where ip like '10.7.0.%'`;
          expect(row!.n).toBe(20);
        },
        { timeout: 30_000 },
      );
      const [page] = await pool`select 'another user''s page' as page`;
      expect(page!.page).toBe("another user's page");
      expect(settled).toBe(0);
    } finally {
      release();
      await Promise.allSettled(signIns);
      await pool.end();
    }
    expect((await Promise.all(signIns)).every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
  }, 20_000);

  it('no transaction is open while a password is hashed', async () => {
    const observer = connect(db.url, { max: 1 });
    class ObservingGate extends WorkGate {
      openTransactions: number[] = [];
      override run<T>(work: () => Promise<T>, queued?: 'bounded' | 'always'): Promise<T> {
        return super.run(async () => {
          const [row] = await observer`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`;
          this.openTransactions.push(Number(row!.n));
          return work();
        }, queued);
      }
    }
    const hashing = new ObservingGate('hashing', 2, 10);
    try {
      await signIn(db.sql, { username: 'olga', password: 'a wrong password', ip: '192.0.2.80' }, { gates: { database: new WorkGate('db', 2, 10), hashing } });
      await signIn(db.sql, { username: 'olga', password: PASSWORD, ip: '192.0.2.80' }, { gates: { database: new WorkGate('db', 2, 10), hashing } });
    } finally {
      await observer.end();
    }
    expect(hashing.openTransactions).toEqual([0, 0]);
  });

  it('20 parallel sign-ins hold at most 2 connections; the rest wait in-process, holding none', async () => {
    const pool = connect(db.url, { max: 20 });
    const holder = connect(db.url, { max: 1 });
    const gates = createSignInGates();
    const { options } = recordedWaits();
    // Hold the user name's lock so that every reservation that reaches the database waits there, visibly.
    const held = await holder.reserve();
    await held`select pg_advisory_lock(${CONSOLE_LOCK_CLASS}, hashtext('sign-in:user:flood'))`;
    const waitingOnTheLock = async () =>
      Number((await held`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`)[0]!.n);
    let signIns: Array<Promise<SignInResult>> = [];
    try {
      signIns = Array.from({ length: 20 }, (_, i) => signIn(pool, { username: 'flood', password: 'not the password', ip: `10.6.0.${i + 1}` }, { ...options, gates }));
      await vi.waitFor(
        async () => {
          expect(gates.database.load).toEqual({ running: 2, waiting: 18 });
          expect(await waitingOnTheLock()).toBe(2);
        },
        { timeout: 30_000 },
      );
      expect(await waitingOnTheLock()).toBe(2);
    } finally {
      await held`select pg_advisory_unlock(${CONSOLE_LOCK_CLASS}, hashtext('sign-in:user:flood'))`;
      held.release();
      await Promise.allSettled(signIns);
      await Promise.all([pool.end(), holder.end()]);
    }
    // 10 checked at once, 5 slowed into slots, 5 past the 30 s horizon (the per-user rule, as above).
    const results = await Promise.all(signIns);
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(15);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(5);
  });

  it('an attempt that waits 5 s for its address (another console checking it) is answered throttled, unrecorded', async () => {
    const holder = connect(db.url, { max: 1 });
    const held = await holder.reserve();
    try {
      await held`select pg_advisory_lock(${CONSOLE_LOCK_CLASS}, hashtext('sign-in:address:192.0.2.90'))`;
      expect(await signIn(db.sql, { username: 'olga', password: PASSWORD, ip: '192.0.2.90' })).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
    } finally {
      held.release();
      await holder.end();
    }
    expect(await attempts(`ip = '192.0.2.90'`)).toHaveLength(0);
  });

  it('past the hashing queue, an attempt is answered throttled at once and does not count as a failure', async () => {
    const gates = { database: new WorkGate('db', 2, 10), hashing: new WorkGate('hashing', 1, 0) };
    let release!: () => void;
    const busy = gates.hashing.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const result = await signIn(db.sql, { username: 'olga', password: PASSWORD, ip: '192.0.2.77' }, { gates });
      expect(result).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
    } finally {
      release();
      await busy;
    }
    expect((await attempts(`ip = '192.0.2.77'`)).map((r) => `${r.ok} ${r.reason}`)).toEqual(['false throttled']);
    expect(await signIn(db.sql, { username: 'olga', password: PASSWORD, ip: '192.0.2.77' }, { gates })).toMatchObject({ ok: true });
  });
});
