import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { embeddedSettings, embeddedUrl } from '../lib/config/embedded-settings';
import { startCluster } from '../lib/embedded/cluster';
import { connect } from '../lib/db/client';
import { withDatabase } from '../lib/db/connection-url';
import { quoteIdent } from '../lib/db/identifiers';

/** A private embedded PostgreSQL for benchmarks, so figures never depend on a dev server. */
export async function startBenchCluster(root: string) {
  const settings = embeddedSettings({ STRATA_HOME: '.strata/bench', STRATA_EMBEDDED_PORT: process.env.STRATA_BENCH_PG_PORT ?? '54369' }, root);
  fs.rmSync(settings.home, { recursive: true, force: true });
  const cluster = await startCluster(settings);
  const adminUrl = embeddedUrl(settings, 'postgres');
  const admin = connect(adminUrl, { max: 1 });
  return {
    adminUrl,
    /** A new empty database; returns its URL. */
    async freshDatabase(prefix: string): Promise<string> {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      await admin.unsafe(`create database ${quoteIdent(name)}`);
      return withDatabase(adminUrl, name);
    },
    /** A copy of database `template` (PostgreSQL copies its files: seconds for a million rows, not minutes). */
    async copyOf(template: string, prefix: string): Promise<string> {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      await admin.unsafe(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
      return withDatabase(adminUrl, name);
    },
    async stop() {
      await admin.end();
      await cluster.stop();
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
