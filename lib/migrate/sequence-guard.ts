import type { LockedConnection } from './target-lock';

/**
 * nextval() is not transactional: a dry run that inserts rows advances sequences even
 * though the rows vanish. The guard notes every sequence's position before the dry run and
 * puts back the ones the dry run moved — but only when nobody else moved them meanwhile
 * (the value is still the one the dry run left), so a live application never gets a
 * duplicate key.
 */
export interface SequencePositions {
  values: Map<string, { lastValue: string | null; isCalled: boolean; start: string }>;
}

const POSITIONS = `
  select c.oid::int8 as oid, s.seqstart::text as start, pg_sequence_last_value(c.oid)::text as last_value
  from pg_class c join pg_sequence s on s.seqrelid = c.oid join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'S' and n.nspname not in ('pg_catalog', 'information_schema')`;

export async function readSequencePositions(conn: LockedConnection): Promise<SequencePositions> {
  const rows = await conn.unsafe(POSITIONS);
  const values = new Map<string, { lastValue: string | null; isCalled: boolean; start: string }>();
  for (const r of rows) values.set(String(r.oid), { lastValue: r.last_value ?? null, isCalled: r.last_value !== null, start: String(r.start) });
  return { values };
}

/**
 * After the dry run's transaction is rolled back: for each sequence whose position differs
 * from `before` and still equals `during` (what the dry run left), set it back.
 * Returns how many were restored.
 */
export async function restoreSequencePositions(conn: LockedConnection, before: SequencePositions, during: SequencePositions): Promise<number> {
  const now = await readSequencePositions(conn);
  let restored = 0;
  for (const [oid, was] of before.values) {
    const left = during.values.get(oid);
    const current = now.values.get(oid);
    if (!left || !current || left.lastValue === was.lastValue || current.lastValue !== left.lastValue) continue;
    if (was.lastValue === null) await conn.unsafe(`select setval(${Number(oid)}::regclass, ${was.start}, false)`);
    else await conn.unsafe(`select setval(${Number(oid)}::regclass, ${was.lastValue}, true)`);
    restored++;
  }
  return restored;
}
