import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { readProject } from '../../lib/changesets/project';
import { connect, type Sql } from '../../lib/db/client';
import { withDatabase } from '../../lib/db/connection-url';
import { quoteIdent, quoteQualified } from '../../lib/db/identifiers';
import { applyChangeSets } from '../../lib/migrate/apply';
import { testContext } from './run-context';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

/** Test helpers for seeds: the demo applied once into a template database, then cloned per test. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const demoProjectDir = path.join(root, 'drizzle/demo');
export const demoProject = readProject(demoProjectDir);
export const DEMO_SCHEMAS = ['platform', 'dataservice', 'lifegraph', 'files', 'risk'];

async function admin<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connect(inject('pgAdminUrl'), { max: 1 });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A database with every demo change set applied, to clone from (CREATE DATABASE … TEMPLATE). */
export async function createDemoTemplate(prefix = 'seed_tmpl'): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await admin((sql) => sql.unsafe(`create database ${quoteIdent(name)}`));
  const result = await applyChangeSets(testContext(withDatabase(inject('pgAdminUrl'), name)), demoProject);
  if (result.failed) throw new Error(`demo apply failed: ${result.failed.tag}`);
  return { name, drop: () => admin(async (sql) => void (await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`))) };
}

/** A fresh copy of the template: the demo fully applied, no seed data. */
export function cloneDatabase(template: string, prefix = 'seed'): Promise<ScratchDatabase> {
  return createScratchDatabase(prefix, { template });
}

export interface TableSnapshot {
  rows: number;
  /** md5 of the primary keys in order. */
  keys: string;
  /** md5 of every whole row in order. */
  content: string;
}

/** Per table of the demo schemas (partitioned tables as a whole): row count, md5 of the ordered keys and of the rows. */
export async function snapshot(sql: Sql, schemas = DEMO_SCHEMAS): Promise<Record<string, TableSnapshot>> {
  const tables = await sql`
    select n.nspname as schema, c.relname as name,
           (select string_agg(a.attname, ',' order by k.ord)
              from pg_index i
              cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
              join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
             where i.indrelid = c.oid and i.indisprimary) as pk
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
    order by 1, 2`;
  const out: Record<string, TableSnapshot> = {};
  for (const t of tables) {
    if (!schemas.includes(String(t.schema))) continue;
    const pk = t.pk ? String(t.pk).split(',').map((c) => `x.${quoteIdent(c)}`).join(', ') : 'x::text';
    const [r] = await sql.unsafe(`
      select count(*)::int as rows,
             coalesce(md5(string_agg((${pk})::text, '|' order by ${pk})), '') as keys,
             coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as content
      from ${quoteQualified(String(t.schema), String(t.name))} x`);
    out[`${t.schema}.${t.name}`] = { rows: Number(r!.rows), keys: String(r!.keys), content: String(r!.content) };
  }
  return out;
}
