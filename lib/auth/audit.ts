import { createHmac, timingSafeEqual } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from '../db/client';
import { StrataError } from '../errors';
import { chainName, readAuditHead, writeAuditHead, type AuditHead } from './audit-head';
import { CONSOLE_LOCK_CLASS, CONSOLE_LOCKS } from './console-db';
import type { AuditEntry, AuditOutcome } from './types';

/**
 * The audit trail: who did what, where, when, with what outcome. Entries form a
 * hash chain: each entry's hash is HMAC-SHA256(key, previous hash + canonical JSON of its
 * own fields, id and time included), the first one's previous hash being 64 zeros. The
 * table refuses UPDATE, DELETE and TRUNCATE; someone who gets past that (a superuser
 * disabling the trigger) cannot forge the hashes without the key, so `verifyAudit` finds
 * any edited, deleted or reordered entry. Removing the newest entries leaves a shorter
 * valid chain: that is what the head kept outside the database (audit-head.ts) catches.
 */

export const GENESIS_HASH = '0'.repeat(64);
const OUTCOMES: AuditOutcome[] = ['started', 'ok', 'denied', 'failed'];
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

export interface NewAuditEntry {
  actor: string;
  role: string;
  action: string;
  environment?: string | null;
  target?: string | null;
  outcome: AuditOutcome;
  durationMs?: number | null;
  detail?: string | null;
  /** For an outcome: the id of the intent (`started`) entry written before the work. */
  intentId?: number | null;
}

type HashedFields = Omit<AuditEntry, 'prevHash' | 'hash'>;

/** JSON with keys sorted at every level: the same fields always give the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function entryHash(key: string, prevHash: string, fields: HashedFields): string {
  const canonical = canonicalJson({
    id: fields.id,
    at: fields.at,
    actor: fields.actor,
    role: fields.role,
    action: fields.action,
    environment: fields.environment,
    target: fields.target,
    outcome: fields.outcome,
    durationMs: fields.durationMs,
    detail: fields.detail,
    // Only outcomes of an intent carry it: entries written before intents existed hash as they did.
    ...(fields.intentId !== null && fields.intentId !== undefined ? { intentId: fields.intentId } : {}),
  });
  return createHmac('sha256', key).update(prevHash).update(canonical).digest('hex');
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new StrataError('BAD_USAGE', 'The audit key is empty (STRATA_AUDIT_KEY)');
}

function text(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  return String(value).slice(0, max);
}

/** Where the head of this console database's chain is kept outside it. */
async function headLocation(sql: Sql, file: string): Promise<{ file: string; chain: string }> {
  const [row] = await sql`select current_database() as database, inet_server_port() as port`;
  return { file, chain: chainName(String(row!.database), row!.port === null ? null : Number(row!.port)) };
}

/**
 * Appends one entry at the end of the chain. Concurrent appenders (the console, CLIs) queue
 * on a session-level advisory lock that is held until the head file is written too, so the
 * head outside the database only ever moves forward. `headFile` null: no head is kept
 * (tests of the chain alone).
 */
export async function appendAudit(sql: Sql, key: string, entry: NewAuditEntry, headFile: string | null = null): Promise<AuditEntry> {
  assertKey(key);
  if (!OUTCOMES.includes(entry.outcome)) throw new StrataError('BAD_USAGE', `Audit outcome must be one of ${OUTCOMES.join(', ')}`);
  const actor = text(entry.actor, 200);
  const role = text(entry.role, 50);
  const action = text(entry.action, 100);
  if (!actor || !role || !action) throw new StrataError('BAD_USAGE', 'An audit entry needs an actor, a role and an action');
  const duration = entry.durationMs === null || entry.durationMs === undefined || !Number.isFinite(entry.durationMs) ? null : Math.max(0, Math.round(entry.durationMs));
  const location = headFile ? await headLocation(sql, headFile) : null;
  const conn = await sql.reserve();
  try {
    await conn`select pg_advisory_lock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.audit})`;
    try {
      await conn`begin`;
      let appended: AuditEntry;
      let genesis: string;
      try {
        const [last] = await conn`select id, hash from console.audit_log order by id desc limit 1`;
        // Milliseconds, so that the time hashed is exactly the time read back.
        const [{ at }] = (await conn`select date_trunc('milliseconds', clock_timestamp()) as at`) as unknown as [{ at: Date }];
        const fields: HashedFields = {
          id: last ? Number(last.id) + 1 : 1,
          at: new Date(at).toISOString(),
          actor,
          role,
          action,
          environment: text(entry.environment, 100),
          target: text(entry.target, 2000),
          outcome: entry.outcome,
          durationMs: duration,
          detail: text(entry.detail, 4000),
          intentId: entry.intentId ?? null,
        };
        const prevHash = last ? String(last.hash) : GENESIS_HASH;
        const hash = entryHash(key, prevHash, fields);
        await conn`
          insert into console.audit_log (id, at, actor, role, action, environment, target, outcome, duration_ms, detail, intent_id, prev_hash, hash)
          values (${fields.id}, ${fields.at}, ${fields.actor}, ${fields.role}, ${fields.action}, ${fields.environment}, ${fields.target},
                  ${fields.outcome}, ${fields.durationMs}, ${fields.detail}, ${fields.intentId}, ${prevHash}, ${hash})`;
        const [first] = fields.id === 1 ? [{ hash }] : await conn`select hash from console.audit_log where id = 1`;
        genesis = String(first?.hash ?? hash);
        await conn`commit`;
        appended = { ...fields, prevHash, hash };
      } catch (error) {
        await conn`rollback`.catch(() => undefined);
        throw error;
      }
      if (location) writeAuditHead(location, { id: appended.id, hash: appended.hash, genesis, at: appended.at });
      return appended;
    } finally {
      await conn`select pg_advisory_unlock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.audit})`.catch(() => undefined);
    }
  } finally {
    conn.release();
  }
}

function toEntry(r: postgres.Row): AuditEntry {
  return {
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    role: r.role,
    action: r.action,
    environment: r.environment ?? null,
    target: r.target ?? null,
    outcome: r.outcome,
    durationMs: r.duration_ms === null || r.duration_ms === undefined ? null : Number(r.duration_ms),
    detail: r.detail ?? null,
    intentId: r.intent_id === null || r.intent_id === undefined ? null : Number(r.intent_id),
    ...(r.open === undefined ? {} : { open: Boolean(r.open) }),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  environment?: string;
  outcome?: AuditOutcome;
  limit?: number;
  /** Entries older than this id (the next page). */
  beforeId?: number;
}

/** Entries newest first (200 by default, at most 1000), filtered. */
export async function listAudit(sql: Sql, filters: AuditFilters = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(Math.trunc(filters.limit ?? DEFAULT_LIMIT) || DEFAULT_LIMIT, 1), MAX_LIMIT);
  const rows = await sql`
    select a.*, (a.outcome = 'started' and not exists (select 1 from console.audit_log o where o.intent_id = a.id)) as open
    from console.audit_log a
    where true
      ${filters.actor !== undefined ? sql`and actor = ${filters.actor}` : sql``}
      ${filters.action !== undefined ? sql`and action = ${filters.action}` : sql``}
      ${filters.environment !== undefined ? sql`and environment = ${filters.environment}` : sql``}
      ${filters.outcome !== undefined ? sql`and outcome = ${filters.outcome}` : sql``}
      ${filters.beforeId !== undefined ? sql`and id < ${filters.beforeId}` : sql``}
    order by id desc
    limit ${limit}`;
  return rows.map(toEntry);
}

/** How the chain's newest entry compares with the head kept outside the database. */
export type HeadCheck =
  /** No head file was given to check against. */
  | { state: 'unchecked' }
  /** The file records nothing for this database yet: a cut at the end cannot be detected. */
  | { state: 'missing'; file: string }
  /** The newest entry is the one the file records. */
  | { state: 'matches'; file: string; id: number }
  /** The file records an older entry of this chain (another host appends too, or a crash came between commit and file). */
  | { state: 'behind'; file: string; id: number; newer: number }
  /** The newest entries, or the whole chain, are gone or were replaced. */
  | { state: 'cut'; file: string; recorded: { id: number; at: string } };

export type AuditVerification =
  | { ok: true; entries: number; head: HeadCheck }
  | { ok: false; entries: number; firstBroken: { id: number; reason: string }; head: HeadCheck };

function sameHash(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Walks the whole chain, oldest first, and names the first entry that does not hold:
 * an id gap (an entry before it was deleted), a previous hash that is not the previous
 * entry's (deleted or reordered), or a hash that does not match its contents (edited).
 * With `headFile`, it then checks the newest entry against the head kept outside the
 * database: entries cut off the end, or a chain replaced wholesale, are reported there.
 */
export async function verifyAudit(sql: Sql, key: string, headFile: string | null = null): Promise<AuditVerification> {
  assertKey(key);
  const walked = await walkChain(sql, key);
  const head = headFile ? compareHead(readAuditHead(await headLocation(sql, headFile)), walked, headFile) : ({ state: 'unchecked' } as const);
  if (walked.broken) return { ok: false, entries: walked.entries, firstBroken: walked.broken, head };
  if (head.state === 'cut') {
    const last = walked.last?.id ?? 0;
    const reason =
      walked.genesis && walked.last && head.recorded.id <= last
        ? `the chain was replaced: the head kept outside the database (${headFile}) records entry #${head.recorded.id} of ${head.recorded.at}, which this chain does not contain`
        : `the newest entries were cut: the head kept outside the database (${headFile}) records entry #${head.recorded.id} of ${head.recorded.at}, but the trail ends at #${last}`;
    return { ok: false, entries: walked.entries, firstBroken: { id: Math.min(head.recorded.id, last + 1), reason }, head };
  }
  return { ok: true, entries: walked.entries, head };
}

interface Walk {
  entries: number;
  broken: { id: number; reason: string } | null;
  last: { id: number; hash: string } | null;
  genesis: string | null;
  /** Hash by id for the ids the head may point at (the newest 1000). */
  hashes: Map<number, string>;
}

async function walkChain(sql: Sql, key: string): Promise<Walk> {
  let entries = 0;
  let previous: { id: number; hash: string } | null = null;
  let genesis: string | null = null;
  const hashes = new Map<number, string>();
  for (;;) {
    const afterId: number = previous?.id ?? 0;
    const rows = await sql`select * from console.audit_log where id > ${afterId} order by id limit 1000`;
    if (rows.length === 0) return { entries, broken: null, last: previous, genesis, hashes };
    hashes.clear();
    for (const row of rows) {
      const entry = toEntry(row);
      entries += 1;
      const broken = (reason: string): Walk => ({ entries, broken: { id: entry.id, reason }, last: previous, genesis, hashes });
      const expectedId: number = previous ? previous.id + 1 : 1;
      if (entry.id < expectedId) return broken(`its id is out of sequence (expected ${expectedId})`);
      if (entry.id !== expectedId) {
        return broken(
          expectedId === entry.id - 1
            ? `the entry before it (${expectedId}) is missing`
            : `the entries before it (${expectedId}–${entry.id - 1}) are missing`,
        );
      }
      if (!sameHash(entry.prevHash, previous?.hash ?? GENESIS_HASH)) {
        return broken(previous ? `does not follow entry ${previous.id} (its previous hash is not that entry's hash)` : 'the first entry does not start the chain');
      }
      if (!sameHash(entry.hash, entryHash(key, entry.prevHash, entry))) return broken('hash does not match its contents');
      if (entry.id === 1) genesis = entry.hash;
      hashes.set(entry.id, entry.hash);
      previous = { id: entry.id, hash: entry.hash };
    }
  }
}

function compareHead(recorded: AuditHead | null, walked: Walk, file: string): HeadCheck {
  if (!recorded) return { state: 'missing', file };
  const cut = { state: 'cut', file, recorded: { id: recorded.id, at: recorded.at } } as const;
  if (!walked.last || walked.genesis === null || !sameHash(walked.genesis, recorded.genesis)) return cut;
  if (recorded.id > walked.last.id) return cut;
  if (recorded.id === walked.last.id) return sameHash(walked.last.hash, recorded.hash) ? { state: 'matches', file, id: recorded.id } : cut;
  // Older than the newest entry: it must be in the chain (only the newest 1000 are kept at hand).
  const hash = walked.hashes.get(recorded.id);
  if (hash !== undefined && !sameHash(hash, recorded.hash)) return cut;
  return { state: 'behind', file, id: recorded.id, newer: walked.last.id - recorded.id };
}
