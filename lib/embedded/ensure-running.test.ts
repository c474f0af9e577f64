import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { embeddedSettings, embeddedUrl } from '../config/embedded-settings';
import type { StrataConfig } from '../config/environments';
import { engineLogger } from '../observability/logger';
import { externalConfig } from '../../test/support/external-config';
import { embeddedDatabasesOf, ensureEmbeddedRunning } from './ensure-running';
import { freePort } from '../../test/support/free-port';


/** Real servers configured by strata.config.ts or variables, some of whose URLs may point at the embedded server. */
function configWith(embedded: StrataConfig['embedded'], consoleUrl: string, targetUrls: string[]): StrataConfig {
  return {
    ...externalConfig({ consoleDatabaseUrl: consoleUrl, shadowServerUrl: consoleUrl }),
    embedded,
    environments: targetUrls.map((url, i) => ({ name: `env${i}`, url, protection: 'guarded' })),
  };
}

describe('ensureEmbeddedRunning with environments from a settings file', () => {
  it('names only the databases whose URLs are at localhost on the embedded port', () => {
    const embedded = embeddedSettings({ STRATA_HOME: os.tmpdir(), STRATA_EMBEDDED_PORT: '54999' }, os.tmpdir());
    const config = configWith(embedded, 'postgres://u:p@localhost:54999/app_console', ['postgres://u:p@127.0.0.1:54999/app', 'postgres://u:p@db.example.com:54999/other', 'postgres://u:p@localhost:5432/local', 'postgres://u:p@localhost:54999/app']);
    expect(embeddedDatabasesOf(config)).toEqual(['app_console', 'app']);
    expect(embeddedDatabasesOf(configWith(embedded, 'postgres://u:p@db.example.com/console', ['postgres://u:p@db.example.com/app']))).toEqual([]);
  });

  it('starts nothing for real servers elsewhere, and for URLs at the embedded server starts it and creates just their databases', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ensure-'));
    fs.chmodSync(home, 0o755);
    const embedded = embeddedSettings({ STRATA_HOME: home, STRATA_EMBEDDED_PORT: String(await freePort()) }, home);

    // Elsewhere: nothing started, nothing initialised.
    expect(await ensureEmbeddedRunning(configWith(embedded, 'postgres://u:p@db.invalid/console', ['postgres://u:p@db.invalid/app']), engineLogger())).toBeNull();
    expect(fs.existsSync(embedded.dataDir)).toBe(false);

    const config = configWith(embedded, embeddedUrl(embedded, 'app_console'), [embeddedUrl(embedded, 'app_dev'), embeddedUrl(embedded, 'app_prod')]);
    const said: string[] = [];
    const first = await ensureEmbeddedRunning(config, engineLogger(), (line) => said.push(line));
    try {
      expect(first?.startedHere).toBe(true);
      const sql = postgres(embeddedUrl(embedded, 'postgres'), { max: 1, onnotice: () => {} });
      try {
        const databases = (await sql`select datname from pg_database where not datistemplate and datname <> 'postgres' order by 1`).map((r) => String(r.datname));
        // The settings' databases, and none of the embedded demo's (strata_local, strata_staging…).
        expect(databases).toEqual(['app_console', 'app_dev', 'app_prod']);
      } finally {
        await sql.end();
      }
      expect(said.filter((l) => l.startsWith('Created database'))).toHaveLength(3);

      // Already running (a second start beside it): only used, nothing created again, not stopped by it.
      const again: string[] = [];
      const second = await ensureEmbeddedRunning(config, engineLogger(), (line) => again.push(line));
      expect(second?.startedHere).toBe(false);
      expect(again.filter((l) => l.startsWith('Created database'))).toEqual([]);
    } finally {
      await first?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
