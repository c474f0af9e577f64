import { createHmac, timingSafeEqual } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from '../db/client';
import { StrataError } from '../errors';
import { CONSOLE_LOCK_CLASS, CONSOLE_LOCKS } from './console-db';
import type { AuditEntry, AuditOutcome } from './types';

/**
 * The audit trail: who did what, where, when, with what outcome (NFR-008). Entries form a
 * hash chain: each entry's hash is HMAC-SHA256(key, previous hash + canonical JSON of its
 * own fields, id and time included), the first one's previous hash being 64 zeros. The
 * table refuses UPDATE, DELETE and TRUNCATE; someone who gets past that (a superuser
 * disabling the trigger) cannot forge the hashes without the key, so `verifyAudit` finds
 * any edited, deleted or reordered entry. (Removing the newest entries leaves a shorter
 * valid chain; compare `entries` with an earlier count to notice that.)
 */

export const GENESIS_HASH = '0'.repeat(64);
const OUTCOMES: AuditOutcome[] = ['ok', 'denied', 'failed'];
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

/** Appends one entry at the end of the chain; concurrent appends queue on an advisory lock. */
export async function appendAudit(sql: Sql, key: string, entry: NewAuditEntry): Promise<AuditEntry> {
  assertKey(key);
  if (!OUTCOMES.includes(entry.outcome)) throw new StrataError('BAD_USAGE', `Audit outcome must be one of ${OUTCOMES.join(', ')}`);
  const actor = text(entry.actor, 200);
  const role = text(entry.role, 50);
  const action = text(entry.action, 100);
  if (!actor || !role || !action) throw new StrataError('BAD_USAGE', 'An audit entry needs an actor, a role and an action');
  const duration = entry.durationMs === null || entry.durationMs === undefined || !Number.isFinite(entry.durationMs) ? null : Math.max(0, Math.round(entry.durationMs));
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.audit})`;
    const [last] = await tx`select id, hash from console.audit_log order by id desc limit 1`;
    // Milliseconds, so that the time hashed is exactly the time read back.
    const [{ at }] = (await tx`select date_trunc('milliseconds', clock_timestamp()) as at`) as unknown as [{ at: Date }];
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
    };
    const prevHash = last ? String(last.hash) : GENESIS_HASH;
    const hash = entryHash(key, prevHash, fields);
    await tx`
      insert into console.audit_log (id, at, actor, role, action, environment, target, outcome, duration_ms, detail, prev_hash, hash)
      values (${fields.id}, ${fields.at}, ${fields.actor}, ${fields.role}, ${fields.action}, ${fields.environment}, ${fields.target},
              ${fields.outcome}, ${fields.durationMs}, ${fields.detail}, ${prevHash}, ${hash})`;
    return { ...fields, prevHash, hash };
  }) as Promise<AuditEntry>;
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
    select * from console.audit_log
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

export type AuditVerification = { ok: true; entries: number } | { ok: false; entries: number; firstBroken: { id: number; reason: string } };

function sameHash(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Walks the whole chain, oldest first, and names the first entry that does not hold:
 * an id gap (an entry before it was deleted), a previous hash that is not the previous
 * entry's (deleted or reordered), or a hash that does not match its contents (edited).
 */
export async function verifyAudit(sql: Sql, key: string): Promise<AuditVerification> {
  assertKey(key);
  let entries = 0;
  let previous: { id: number; hash: string } | null = null;
  for (;;) {
    const afterId: number = previous?.id ?? 0;
    const rows = await sql`select * from console.audit_log where id > ${afterId} order by id limit 1000`;
    if (rows.length === 0) return { ok: true, entries };
    for (const row of rows) {
      const entry = toEntry(row);
      entries += 1;
      const broken = (reason: string): AuditVerification => ({ ok: false, entries, firstBroken: { id: entry.id, reason } });
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
      previous = { id: entry.id, hash: entry.hash };
    }
  }
}
