import type { LockedConnection } from './target-lock';

/**
 * nextval() is not transactional: a dry run that inserts rows advances sequences even
 * though the rows vanish. Setting them back is not safe — the live application may take a
 * value between any read and a setval, and a later insert would then collide — so a dry run
 * never moves a sequence backwards. It reports the gap instead: values the dry run used up,
 * exactly as any rolled-back transaction of the application would.
 */
export interface SequencePositions {
  values: Map<string, { name: string; lastValue: string | null }>;
}

/** A sequence the dry run advanced: its values after `before` up to `after` are skipped. */
export interface SequenceGap {
  sequence: string;
  /** last_value before the dry run (null: never used). */
  before: string | null;
  after: string;
}

const POSITIONS = `
  select c.oid::int8 as oid, n.nspname || '.' || c.relname as name, pg_sequence_last_value(c.oid)::text as last_value
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'S' and n.nspname not in ('pg_catalog', 'information_schema')`;

export async function readSequencePositions(conn: LockedConnection): Promise<SequencePositions> {
  const rows = await conn.unsafe(POSITIONS);
  const values = new Map<string, { name: string; lastValue: string | null }>();
  for (const r of rows) values.set(String(r.oid), { name: String(r.name), lastValue: r.last_value ?? null });
  return { values };
}

/** The sequences that moved between `before` and `after` (read inside the dry run's transaction, before its rollback). */
export function sequenceGaps(before: SequencePositions, after: SequencePositions): SequenceGap[] {
  const gaps: SequenceGap[] = [];
  for (const [oid, now] of after.values) {
    const was = before.values.get(oid);
    if (!was || now.lastValue === null || now.lastValue === was.lastValue) continue;
    gaps.push({ sequence: now.name, before: was.lastValue, after: now.lastValue });
  }
  return gaps.sort((a, b) => a.sequence.localeCompare(b.sequence));
}
