import type postgres from 'postgres';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import type { TablePolicy } from '../retention/types';
import type { CopiedTable } from './report';
import { copyExpressions, hashedKeyColumns, type ColumnFacts, type MaskKeys } from './masking';

/**
 * The data half of a rehearsal's copy: which tables, and their rows COPYed from the target
 * (read inside one read-only, repeatable-read transaction: one snapshot, nothing written)
 * into the scratch database, classified columns masked by the SELECT that runs on the target.
 */

type Conn = postgres.ReservedSql<Record<string, never>>;

export interface TableToCopy {
  table: string;
  schema: string;
  name: string;
  columns: ColumnFacts[];
  /** Another copied table references this one by a foreign key: it is copied whole, so every reference finds its row. */
  referenced: boolean;
  /** Sequences owned by its columns (serial, identity): `schema.name`. */
  sequences: string[];
}

/**
 * Tables the plan names plus, transitively, every table they reference by a foreign key
 * (existing plain or partitioned tables; a partition stands for its partition tree's root).
 */
export async function tablesToCopy(target: Conn, named: string[]): Promise<TableToCopy[]> {
  const quoted = named.map((n) => qualifiedName(n));
  const rows = await target.unsafe(
    `with recursive named as (
       -- A partition named by the plan is copied through its root, which COPY fills partition by partition.
       select coalesce(pg_partition_root(to_regclass(x)), to_regclass(x)) as oid from unnest($1::text[]) x
     ), closure(oid) as (
       select c.oid from pg_class c join named on named.oid = c.oid where c.relkind in ('r', 'p')
       union
       select f.confrelid from pg_constraint f join closure on f.conrelid = closure.oid where f.contype = 'f'
     )
     select c.oid::int8 as oid, n.nspname as schema, c.relname as name,
       exists (select 1 from pg_constraint f where f.contype = 'f' and f.confrelid = c.oid and f.conrelid <> c.oid and f.conrelid in (select oid from closure)) as referenced,
       exists (select 1 from pg_constraint f where f.contype = 'f' and f.confrelid = c.oid and f.conrelid = c.oid) as self_referenced
     from closure join pg_class c on c.oid = closure.oid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname not in ('strata', 'drizzle', 'pg_catalog', 'information_schema') and not c.relispartition
     order by n.nspname, c.relname`,
    [quoted],
  );
  const tables: TableToCopy[] = [];
  for (const r of rows) {
    const oid = Number(r.oid);
    const columns = await target.unsafe(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
         coalesce(bt.typcategory, t.typcategory) as category, coalesce(bt.typname, t.typname) as base_type,
         case when coalesce(bt.typname, t.typname) in ('varchar', 'bpchar') and a.atttypmod > 4 then a.atttypmod - 4 end as max_length,
         a.attnotnull as not_null,
         exists (select 1 from pg_constraint k where k.contype in ('p', 'u', 'f') and k.conrelid = a.attrelid and a.attnum = any(k.conkey))
           or exists (select 1 from pg_constraint k where k.contype = 'f' and k.confrelid = a.attrelid and a.attnum = any(k.confkey))
           or exists (select 1 from pg_index i where i.indisunique and i.indrelid = a.attrelid and a.attnum = any(i.indkey::int2[])) as in_key
,
         coalesce((select array_agg(distinct ln.nspname || '.' || lc.relname || '.' || la.attname) from pg_constraint f
           cross join lateral unnest(f.conkey, f.confkey) as k(own, other)
           join pg_class lc on lc.oid = case when f.conrelid = a.attrelid and k.own = a.attnum then f.confrelid else f.conrelid end
           join pg_namespace ln on ln.oid = lc.relnamespace
           join pg_attribute la on la.attrelid = lc.oid and la.attnum = case when f.conrelid = a.attrelid and k.own = a.attnum then k.other else k.own end
           where f.contype = 'f' and ((f.conrelid = a.attrelid and k.own = a.attnum) or (f.confrelid = a.attrelid and k.other = a.attnum))), '{}') as links
       from pg_attribute a join pg_type t on t.oid = a.atttypid left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
       where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       order by a.attnum`,
      [oid],
    );
    const sequences = await target.unsafe(
      `select n.nspname || '.' || s.relname as name from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace n on n.oid = s.relnamespace
       where d.refobjid = $1 and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')`,
      [oid],
    );
    tables.push({
      table: `${r.schema}.${r.name}`,
      schema: String(r.schema),
      name: String(r.name),
      referenced: Boolean(r.referenced) || Boolean(r.self_referenced),
      sequences: sequences.map((s) => String(s.name)),
      columns: columns.map((c) => ({
        name: String(c.name),
        type: String(c.type),
        category: String(c.category),
        baseType: String(c.base_type),
        maxLength: c.max_length === null ? null : Number(c.max_length),
        notNull: Boolean(c.not_null),
        inKey: Boolean(c.in_key),
        links: (c.links as string[]).map(String),
      })),
    });
  }
  return tables;
}

/**
 * Copies every table's rows (referenced tables whole; the others all rows, or a `sample`
 * fraction drawn with random()) from `target` into `scratch`, then sets the tables'
 * sequences to the target's positions, so rows the plan inserts get fresh keys. The scratch
 * tables are emptied first (the replayed change sets may have inserted rows of their own).
 */
export async function copyTables(
  target: Conn,
  scratch: Conn,
  tables: TableToCopy[],
  options: { sample: number; policies: TablePolicy[]; keys: MaskKeys; onTable?: (table: string, rows: number, position: number) => void },
): Promise<CopiedTable[]> {
  if (tables.length === 0) return [];
  const policies = new Map(options.policies.map((p) => [p.table, p]));
  // Triggers (foreign keys' included) would fire once per copied row; a superuser's session can skip them. Without it, parents go first.
  await scratch.unsafe(`set session_replication_role = replica`).catch(() => undefined);
  await scratch.unsafe(`truncate ${tables.map((t) => quoteQualified(t.schema, t.name)).join(', ')} cascade`);
  const linked = hashedKeyColumns(tables, policies);
  const copied: CopiedTable[] = [];
  for (const [position, t] of parentsFirst(tables).entries()) {
    const { select, masked } = copyExpressions(t.table, t.columns, policies.get(t.table), options.keys, linked);
    const sampled = !t.referenced && options.sample < 1;
    const query = `select ${select.join(', ')} from ${quoteQualified(t.schema, t.name)}${sampled ? ` where random() < ${options.sample}` : ''}`;
    const columns = t.columns.map((c) => quoteIdent(c.name)).join(', ');
    await pipeCopy(target, `copy (${query}) to stdout`, scratch, `copy ${quoteQualified(t.schema, t.name)} (${columns}) from stdin`);
    const [count] = await scratch.unsafe(`select count(*)::int8 as n from ${quoteQualified(t.schema, t.name)}`);
    const rows = Number(count!.n);
    copied.push({ table: t.table, rows, masked });
    options.onTable?.(t.table, rows, position);
  }
  for (const sequence of tables.flatMap((t) => t.sequences)) {
    const [row] = await target.unsafe(`select last_value::text as v, is_called from ${qualifiedName(sequence)}`);
    if (row) await scratch.unsafe(`select setval($1::regclass, $2::int8, $3)`, [qualifiedName(sequence), row.v, row.is_called]);
  }
  await scratch.unsafe(`reset session_replication_role`).catch(() => undefined);
  return copied.sort((a, b) => a.table.localeCompare(b.table));
}

/**
 * Streams one COPY … TO STDOUT on the target into one COPY … FROM STDIN on the scratch
 * database. The source is never paused by us: chunks the writable cannot take yet are
 * buffered in memory instead (both ends are usually the same server).
 */
async function pipeCopy(target: Conn, copyOut: string, scratch: Conn, copyIn: string): Promise<void> {
  const writable = await scratch.unsafe(copyIn).writable();
  const readable = await target.unsafe(copyOut).readable();
  await new Promise<void>((resolve, reject) => {
    writable.on('error', reject);
    writable.on('finish', () => resolve());
    drainCopyOut(readable, (chunk) => void writable.write(chunk)).then(() => writable.end(), reject);
  });
}

/**
 * Reads a postgres.js COPY … TO STDOUT readable to its end, and leaves its connection usable.
 * postgres.js pauses the socket when a CopyData chunk fills the readable's buffer, and only
 * the readable's next read resumes it; when CopyDone came in the same network chunk the
 * readable ends first, is never read again, and the socket stays paused: the connection's
 * next query waits forever (porsager/postgres#499, fixed upstream by PR #1016, unreleased).
 * Everything the server sent before the readable was consumed is buffered, so a table that
 * arrives faster than it is taken triggers it. Resuming once more at the end (the readable's
 * own read(), which is `socket.resume()`) is harmless when the socket flows.
 */
export function drainCopyOut(readable: NodeJS.ReadableStream, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    readable.on('data', onChunk);
    readable.on('error', reject);
    readable.on('end', () => {
      (readable as unknown as { _read?: (size: number) => void })._read?.(0);
      resolve();
    });
  });
}

/** Tables ordered so a table comes after those it references (cycles keep their order; the replica role covers them). */
function parentsFirst(tables: TableToCopy[]): TableToCopy[] {
  return [...tables].sort((a, b) => Number(a.referenced === false) - Number(b.referenced === false));
}

/** `schema.name` from a statement's table list, quoted for to_regclass and casts. */
export function qualifiedName(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? quoteIdent(name) : quoteQualified(name.slice(0, dot), name.slice(dot + 1));
}
