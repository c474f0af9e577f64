import { quoteIdent } from '../../lib/db/identifiers';
import { mulberry32 } from '../../lib/seed/prng';

/**
 * DDL for a synthetic schema of N tables — the shape of a large application: mixed column
 * types, 1–3 foreign keys per table (some composite, some self-referencing), composite and
 * partial indexes, checks, enums and views. Deterministic for a given seed, so benchmark
 * runs and big-ERD tests compare like with like.
 */
export function syntheticSchemaSql(options: { tables: number; schema?: string; seed?: number }): string {
  const schema = options.schema ?? 'synthetic';
  const random = mulberry32(options.seed ?? 42);
  const s = quoteIdent(schema);
  const out: string[] = [`create schema if not exists ${s};`];
  const enums = ['status', 'tier', 'region'].map((e) => `${e}_kind`);
  out.push(
    `create type ${s}.${quoteIdent(enums[0]!)} as enum ('draft', 'active', 'archived');`,
    `create type ${s}.${quoteIdent(enums[1]!)} as enum ('free', 'pro', 'enterprise');`,
    `create type ${s}.${quoteIdent(enums[2]!)} as enum ('eu', 'us', 'apac');`,
  );
  const name = syntheticTableName;
  for (let i = 0; i < options.tables; i++) {
    const table = `${s}.${quoteIdent(name(i))}`;
    const columns = [
      'id bigint generated always as identity primary key',
      'tenant_id integer not null',
      `name text not null check (length(name) <= 200)`,
      `status ${s}.${quoteIdent(enums[i % 3]!)} not null default '${['draft', 'free', 'eu'][i % 3]}'`,
      'amount numeric(12,2)',
      'payload jsonb',
      'created_at timestamptz not null default now()',
      'updated_at timestamptz',
      'deleted_at timestamptz',
    ];
    const extra = 2 + Math.floor(random() * 8);
    for (let c = 0; c < extra; c++) columns.push(`${COLUMN_WORDS[(i + c) % COLUMN_WORDS.length]}_${c} ${TYPES[(i * 7 + c) % TYPES.length]}`);
    const fks: string[] = [];
    const fkCount = i === 0 ? 0 : 1 + Math.floor(random() * 3);
    for (let f = 0; f < fkCount; f++) {
      // Point backwards, skewed towards early "hub" tables as real schemas grow; now and then at itself.
      const target = f === 2 && i % 10 === 0 ? i : Math.floor(Math.pow(random(), 2) * i);
      columns.push(`ref_${f}_id bigint`);
      fks.push(`alter table ${table} add constraint ${quoteIdent(`${name(i)}_ref_${f}_fkey`)} foreign key (ref_${f}_id) references ${s}.${quoteIdent(name(target))} (id) on delete ${f === 0 ? 'cascade' : 'set null'};`);
      fks.push(`create index ${quoteIdent(`${name(i)}_ref_${f}_idx`)} on ${table} (ref_${f}_id);`);
    }
    if (i % 40 === 8) {
      // A two-column foreign key onto the previous table's unique (tenant_id, name).
      columns.push('peer_name text');
      fks.push(`alter table ${table} add constraint ${quoteIdent(`${name(i)}_peer_fkey`)} foreign key (tenant_id, peer_name) references ${s}.${quoteIdent(name(i - 1))} (tenant_id, name);`);
    }
    out.push(`create table ${table} (\n  ${columns.join(',\n  ')},\n  unique (tenant_id, name)\n);`);
    out.push(`create index ${quoteIdent(`${name(i)}_tenant_created_idx`)} on ${table} (tenant_id, created_at desc);`);
    out.push(`create index ${quoteIdent(`${name(i)}_live_idx`)} on ${table} (status) where deleted_at is null;`);
    out.push(`comment on table ${table} is ${literal(`Synthetic table ${i} (${WORDS[i % WORDS.length]})`)};`);
    out.push(...fks);
    if (i % 25 === 0) out.push(`create view ${s}.${quoteIdent(`${name(i)}_live`)} as select id, tenant_id, name from ${table} where deleted_at is null;`);
  }
  return out.join('\n');
}

/** The name of synthetic table `i`: `t0042_orders` — sortable, searchable, stable. */
export function syntheticTableName(i: number): string {
  return `t${String(i).padStart(4, '0')}_${WORDS[i % WORDS.length]}`;
}

/**
 * Statements that drop a synthetic schema in small transactions: one DROP SCHEMA … CASCADE
 * over 2,000 tables needs more locks than a default server has (out of shared memory).
 */
export function syntheticDropStatements(tables: number, schema = 'synthetic', batch = 100): string[] {
  const s = quoteIdent(schema);
  const names = Array.from({ length: tables }, (_, i) => `${s}.${quoteIdent(syntheticTableName(i))}`).reverse();
  const statements: string[] = [];
  for (let i = 0; i < names.length; i += batch) statements.push(`drop table if exists ${names.slice(i, i + batch).join(', ')} cascade`);
  statements.push(`drop schema if exists ${s} cascade`);
  return statements;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const WORDS = ['accounts', 'orders', 'invoices', 'projects', 'issues', 'events', 'members', 'files', 'notes', 'tags', 'builds', 'deploys'];
const COLUMN_WORDS = ['title', 'code', 'score', 'ratio', 'flag', 'label', 'ref', 'count', 'note', 'due'];
const TYPES = ['text', 'integer', 'boolean', 'varchar(64)', 'date', 'double precision', 'uuid', 'smallint', 'timestamptz', 'text[]'];
