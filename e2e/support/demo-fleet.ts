import fs from 'node:fs';
import path from 'node:path';
import { DEMO_FLEET, demoTenantDatabase } from '../../lib/config/demo-environments';
import { embeddedSql } from './embedded-sql';

/** The demo's change sets in journal order (read from the journal, so adding one breaks nothing). */
const journal = JSON.parse(fs.readFileSync(path.resolve('drizzle/demo/migrations/meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
const tags = journal.entries.map((e) => e.tag);

/**
 * The behind tenants of the demo `tenants` fleet stop `behindBy` change sets short of the head:
 * this is their last one. A rollout to it is a no-op on every tenant (each is skipped at its head).
 */
export const demoBehindTag = tags[tags.length - 1 - DEMO_FLEET.behindBy]!;

/**
 * Each demo tenant's history as a fingerprint (rows, last id, applied tags): equal before and
 * after shows a rollout changed no tenant.
 */
export async function demoTenantHistories(): Promise<string[]> {
  const out: string[] = [];
  for (let n = 1; n <= DEMO_FLEET.count; n++) {
    const sql = embeddedSql(demoTenantDatabase(n));
    try {
      const [row] = await sql`select count(*)::int as n, max(id)::text as last, string_agg(tag || ':' || status, ',' order by id) as tags from strata.change_log`;
      out.push(`${n} ${row!.n} ${row!.last} ${row!.tags}`);
    } finally {
      await sql.end();
    }
  }
  return out;
}
