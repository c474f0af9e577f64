/**
 * DDL for a big synthetic schema (the GitLab-sized ERD test): `tables` tables in schema
 * `synthetic`, each with a primary key, a mix of column types, 1–3 foreign keys to earlier
 * tables (every 25th also to itself, every 40th a two-column key), an index per foreign key. Deterministic: the same count always gives the same SQL.
 */
export const SYNTHETIC_SCHEMA = 'synthetic';

const NOUNS = ['account', 'project', 'issue', 'merge_request', 'pipeline', 'build', 'note', 'label', 'milestone', 'namespace', 'member', 'deployment', 'environment', 'release', 'package', 'runner', 'artifact', 'epic', 'board', 'snippet'];
const EXTRA = ['title text', 'state smallint not null default 0', 'payload jsonb', 'weight integer', 'amount numeric(12,2)', 'starts_on date', 'flag boolean not null default false', 'sha bytea', 'tags text[]'];

export function syntheticSchemaSql(tables: number): string {
  const s = SYNTHETIC_SCHEMA;
  const name = (i: number) => `t${String(i).padStart(4, '0')}_${NOUNS[i % NOUNS.length]}`;
  const random = mulberry32(2000);
  const out: string[] = [`create schema ${s};`];
  const after: string[] = [];
  for (let i = 0; i < tables; i++) {
    const t = `${s}.${name(i)}`;
    const columns = ['id bigint generated always as identity primary key', 'tenant_id integer not null', 'created_at timestamptz not null default now()'];
    for (let c = 0; c < 2 + (i % 6); c++) columns.push(`${EXTRA[(i + c) % EXTRA.length]!.replace(/^(\w+)/, `$1_${c}`)}`);
    if (i % 40 === 7) columns.push('code text not null', 'unique (tenant_id, code)');
    const fks = i === 0 ? 0 : 1 + Math.floor(random() * 3);
    for (let f = 0; f < fks; f++) {
      const target = Math.floor(Math.pow(random(), 2) * i); // skewed towards early "hub" tables
      columns.push(`ref_${f}_id bigint`);
      after.push(`alter table ${t} add foreign key (ref_${f}_id) references ${s}.${name(target)} (id) on delete cascade;`);
      after.push(`create index on ${t} (ref_${f}_id);`);
    }
    if (i % 25 === 0) {
      columns.push('parent_id bigint');
      after.push(`alter table ${t} add foreign key (parent_id) references ${t} (id);`);
    }
    if (i % 40 === 8) {
      const target = i - 1; // i - 1 ≡ 7 (mod 40): has unique (tenant_id, code)
      columns.push('peer_code text');
      after.push(`alter table ${t} add foreign key (tenant_id, peer_code) references ${s}.${name(target)} (tenant_id, code);`);
    }
    out.push(`create table ${t} (\n  ${columns.join(',\n  ')}\n);`);
  }
  return [...out, ...after].join('\n');
}

/**
 * Statements that drop the synthetic schema in small transactions: one DROP SCHEMA … CASCADE
 * over 2,000 tables needs more locks than a default server has (out of shared memory).
 */
export function syntheticDropStatements(tables: number, batch = 100): string[] {
  const names = Array.from({ length: tables }, (_, i) => `${SYNTHETIC_SCHEMA}.t${String(i).padStart(4, '0')}_${NOUNS[i % NOUNS.length]}`).reverse();
  const statements: string[] = [];
  for (let i = 0; i < names.length; i += batch) statements.push(`drop table if exists ${names.slice(i, i + batch).join(', ')} cascade`);
  statements.push(`drop schema if exists ${SYNTHETIC_SCHEMA} cascade`);
  return statements;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
