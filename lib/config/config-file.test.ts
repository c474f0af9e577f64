import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/support/cli-runner';
import { configErrorOf as errorOf, configFolders, writeConfig } from '../../test/support/config-folders';
import { isStrataError } from '../errors';
import { loadProject } from '../project/load-project';
import { findEnvironment, loadConfig } from './environments';

/**
 * strata.config.ts carrying Strata's settings (README, "The config file"): real files in a
 * throwaway folder at the fixtures' depth (test/fixtures/.tmp-config-…, outside the type
 * check), loaded by the real loader, so their import of lib/project/define-project resolves
 * as a project inside the checkout would.
 */
const shown = (file: string) => path.relative(process.cwd(), file);

/** A folder holding a strata.config.ts whose defineStrataConfig({ … }) body is `body`. */
const configFolder = configFolders();

const fullConfig = `{
  projectDir: './db',
  environments: {
    staging: { urlEnv: 'STAGING_URL', protection: 'guarded', lockRetries: 2 },
    production: { urlEnv: 'PROD_URL', protection: 'protected', backup: { mode: 'always', keep: 3 }, maxReplicationLag: '2s' },
    scratch: { url: 'postgres://localhost/scratch', protection: 'open' },
  },
  console: { urlEnv: 'CONSOLE_URL' },
  approvals: { requestHours: 4 },
}`;

const urls = { STAGING_URL: 'postgres://u:stage-secret@db1/staging', PROD_URL: 'postgres://u:prod-secret@db2/prod', CONSOLE_URL: 'postgres://u:c@db1/console' };

describe('settings in strata.config.ts', () => {
  it('are read beside drizzle.config.ts: environments in the file\'s order, URLs from the variables it names, the project folder relative to it', () => {
    const dir = configFolder(fullConfig);
    const config = loadConfig({ STRATA_ROOT: dir, ...urls });
    expect(config.mode).toBe('external');
    expect(config.configFile).toBe(path.join(dir, 'strata.config.ts'));
    expect(config.projectDir).toBe(path.join(dir, 'db'));
    expect(config.consoleDatabaseUrl).toBe(urls.CONSOLE_URL);
    expect(config.approvals).toEqual({ requestHours: 4 });
    expect(config.environments).toEqual([
      { name: 'staging', url: urls.STAGING_URL, protection: 'guarded', backup: { mode: 'destructive', keep: 10, maxAgeDays: 30 }, lockRetries: 2 },
      { name: 'production', url: urls.PROD_URL, protection: 'protected', backup: { mode: 'always', keep: 3, maxAgeDays: 30 }, maxReplicationLagMs: 2000 },
      { name: 'scratch', url: 'postgres://localhost/scratch', protection: 'open', backup: { mode: 'off', keep: 10, maxAgeDays: 30 } },
    ]);
  });

  it('a variable that is set wins over the file, key by key', () => {
    const dir = configFolder(fullConfig);
    const config = loadConfig({
      STRATA_ROOT: dir,
      ...urls,
      STRATA_ENV_PRODUCTION_PROTECTION: 'guarded',
      STRATA_ENV_PRODUCTION_BACKUP_KEEP: '7',
      STRATA_ENV_STAGING_URL: 'postgres://u:p@db9/staging2',
      STRATA_ENV_STAGING_LOCK_RETRIES: '0',
      STRATA_CONSOLE_DATABASE_URL: 'postgres://u:p@db9/console2',
      STRATA_PROJECT_DIR: 'elsewhere',
    });
    expect(config.projectDir).toBe(path.join(dir, 'elsewhere'));
    expect(config.consoleDatabaseUrl).toBe('postgres://u:p@db9/console2');
    expect(findEnvironment(config, 'production')).toMatchObject({ url: urls.PROD_URL, protection: 'guarded', backup: { mode: 'always', keep: 7, maxAgeDays: 30 }, maxReplicationLagMs: 2000 });
    expect(findEnvironment(config, 'staging')).toMatchObject({ url: 'postgres://u:p@db9/staging2', protection: 'guarded', lockRetries: 0 });

    // STRATA_ENVIRONMENTS is the list: it replaces the file's, and each name still finds its settings there.
    const listed = loadConfig({ STRATA_ROOT: dir, ...urls, STRATA_ENVIRONMENTS: 'production,qa', STRATA_ENV_QA_URL: 'postgres://u:p@db3/qa' });
    expect(listed.environments.map((e) => [e.name, e.protection, e.backup?.mode])).toEqual([
      ['production', 'protected', 'always'],
      ['qa', 'protected', 'destructive'],
    ]);
  });

  it('a file without settings leaves the variables and the embedded demo as they were', () => {
    const dir = configFolder('{ optional: [] }');
    const config = loadConfig({ STRATA_ROOT: dir, STRATA_EMBEDDED_PORT: '55555' });
    expect(config.mode).toBe('embedded');
    expect(config.environments.map((e) => e.name)).toEqual(['local', 'staging', 'production']);
    expect(config.projectDir).toBe(path.join(dir, 'drizzle', 'demo'));
  });

  it('a project folder without its own strata.config.ts gets the policies and optional tags of the file whose projectDir names it', async () => {
    const dir = configFolder(`{ projectDir: './db', optional: ['0001_maybe'] }`);
    const before = process.env.STRATA_ROOT;
    process.env.STRATA_ROOT = dir;
    try {
      expect(await loadProject(path.join(dir, 'db'))).toEqual({ configFile: path.join(dir, 'strata.config.ts'), definition: { projectDir: './db', optional: ['0001_maybe'] } });
      expect((await loadProject(path.join(dir, 'other'))).configFile).toBeNull();
    } finally {
      if (before === undefined) delete process.env.STRATA_ROOT;
      else process.env.STRATA_ROOT = before;
    }
  });
});

describe('a config file that is wrong names the key and the problem', () => {
  const wrong = (body: string, env: Record<string, string> = {}) => {
    const dir = configFolder(body);
    return { file: shown(path.join(dir, 'strata.config.ts')), error: errorOf({ STRATA_ROOT: dir, ...urls, ...env }) };
  };

  it('a protection level that does not exist', () => {
    const { file, error } = wrong(`{ environments: { production: { urlEnv: 'PROD_URL', protection: 'yolo' as 'open' } } }`);
    expect(isStrataError(error, 'MALFORMED_PROJECT')).toBe(true);
    expect(error.message).toBe(`${file}: environments.production.protection: expected one of open|guarded|protected (expected export default defineProject({ policies, seeds }))`);
  });

  it('a misspelt key is refused, not ignored', () => {
    const { file, error } = wrong(`{ environments: { production: { urlEnv: 'PROD_URL', protecton: 'open' } as never } }`);
    expect(error.message).toBe(`${file}: environments.production: unknown key "protecton" (expected export default defineProject({ policies, seeds }))`);
    expect(wrong(`{ enviroments: {} } as never`).error.message).toMatch(/: unknown key "enviroments" \(/);
  });

  it('a literal URL with a password is refused, and the message does not repeat it', () => {
    const { file, error } = wrong(`{ environments: { production: { url: 'postgres://admin:hunter2@db/prod' } } }`);
    expect(error.message).toBe(
      `${file}: environments.production.url: a URL with a password is a secret and is refused here: put it in an environment variable and name that variable in urlEnv (expected export default defineProject({ policies, seeds }))`,
    );
    expect(error.message).not.toContain('hunter2');
    expect(wrong(`{ environments: { production: { urlEnv: 'postgres://admin:hunter2@db/prod' } } }`).error.message).toMatch(
      /environments\.production\.urlEnv: must be the name of an environment variable \(e\.g\. PRODUCTION_DATABASE_URL\), not a URL/,
    );
  });

  it('a secret in a literal URL\'s query (password, sslpassword) is refused too, and not repeated', () => {
    for (const [url, key] of [
      ['postgres://app@db.internal:5432/app?password=hunter2', 'password'],
      ['postgres://app@db.internal/app?sslmode=require&SSLPassword=hunter2', 'SSLPassword'],
    ] as const) {
      const { file, error } = wrong(`{ environments: { production: { url: '${url}' } } }`);
      expect(error.message).toBe(
        `${file}: environments.production.url: a URL with a ${key} parameter is a secret and is refused here: put it in an environment variable and name that variable in urlEnv (expected export default defineProject({ policies, seeds }))`,
      );
      expect(error.message).not.toContain('hunter2');
    }
  });

  it('a variable the file names that is not set, and settings of the wrong kind', () => {
    const { file, error } = wrong(`{ environments: { production: { urlEnv: 'NOT_SET_ANYWHERE' } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    expect(isStrataError(error, 'BAD_USAGE')).toBe(true);
    expect(error.message).toBe(`${file}: environments.production.urlEnv: the variable NOT_SET_ANYWHERE is not set`);
    expect(wrong(`{ environments: { production: { urlEnv: 'PROD_URL' } } }`).error.message).toMatch(/declares environments, so STRATA_CONSOLE_DATABASE_URL must be set too \(or console: \{ urlEnv \} in .*strata\.config\.ts\)/);
    expect(wrong(`{ environments: { production: { urlEnv: 'PROD_URL', lockRetries: -1 } } }`).error.message).toMatch(/: environments\.production\.lockRetries: Too small/);
    expect(wrong(`{ environments: { production: { urlEnv: 'PROD_URL', maxReplicationLag: 'soon' } } }`).error.message).toMatch(/: environments\.production\.maxReplicationLag: takes a duration like '500ms', '5s' or '2min'/);
    expect(wrong(`{ environments: { Production: { urlEnv: 'PROD_URL' } } }`).error.message).toMatch(/: environments\.Production: environment names are lower-case/);
  });
});

describe("a project folder's own strata.config.ts (defineProject) with settings", () => {
  /** STRATA_ROOT holds no config; the project folder (STRATA_PROJECT_DIR=db) holds one with `body`. */
  function projectFolderConfig(body: string): string {
    const dir = configFolder('{}');
    fs.rmSync(path.join(dir, 'strata.config.ts'));
    fs.writeFileSync(path.join(dir, 'db', 'strata.config.ts'), `import { defineProject } from '../../../../lib/project/define-project';\n\nexport default defineProject(${body});\n`);
    return dir;
  }

  it('is read when its keys are quoted', () => {
    const dir = projectFolderConfig(`{ 'environments': { staging: { urlEnv: 'STAGING_URL' } }, "console": { urlEnv: 'CONSOLE_URL' } }`);
    const config = loadConfig({ STRATA_ROOT: dir, STRATA_PROJECT_DIR: 'db', ...urls });
    expect(config.mode).toBe('external');
    expect(config.environments.map((e) => e.name)).toEqual(['staging']);
  });

  it('is refused for a misspelt top-level key, instead of falling back to the embedded demo', () => {
    const dir = projectFolderConfig(`{ enviroments: { staging: { urlEnv: 'STAGING_URL' } } } as never`);
    expect(errorOf({ STRATA_ROOT: dir, STRATA_PROJECT_DIR: 'db', ...urls }).message).toMatch(/db\/strata\.config\.ts: unknown key "enviroments" \(/);
  });
});

describe('when the config file is invalid, nothing connects', () => {
  /**
   * A TCP listener where every URL points: it records each connection and answers its startup
   * message as a server refusing the login would (a FATAL ErrorResponse), so the client fails
   * at once instead of retrying a dropped socket.
   */
  async function recordingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
    let count = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      count += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.on('data', (data) => {
        // An SSLRequest (length 8, code 80877103) gets "N": no TLS here; anything else is the startup message.
        if (data.length === 8 && data.readInt32BE(4) === 80877103) return void socket.write('N');
        const fields = 'SFATAL\0C28000\0Mrefused by the test listener\0\0';
        const length = fields.length + 4;
        socket.end(`E${String.fromCharCode(length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255)}${fields}`, 'latin1');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    return {
      port,
      connections: () => count,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('strata status with a wrong key: a clear error, and the listener sees no connection (with the key right, it sees them)', async () => {
    const listener = await recordingListener();
    const dir = configFolder(`{ projectDir: './db', environments: { production: { urlEnv: 'PROD_URL', protection: 'yolo' as 'open' } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    const saved = { ...process.env };
    Object.assign(process.env, { STRATA_ROOT: dir, PROD_URL: `postgres://u:p@127.0.0.1:${listener.port}/prod`, CONSOLE_URL: `postgres://u:p@127.0.0.1:${listener.port}/console` });
    try {
      const refused = await cli('status');
      expect(listener.connections()).toBe(0);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`[MALFORMED_PROJECT]: ${shown(path.join(dir, 'strata.config.ts'))}: environments.production.protection: expected one of open|guarded|protected`);

      // The same file with the key right does reach the listener: the count above could have moved.
      writeConfig(dir, `{ projectDir: './db', environments: { production: { urlEnv: 'PROD_URL', protection: 'open' } }, console: { urlEnv: 'CONSOLE_URL' } }`);
      const reached = await cli('status');
      expect(listener.connections(), reached.stderr + reached.stdout).toBeGreaterThan(0);
    } finally {
      process.env = saved;
      await listener.close();
    }
  });
});

describe('fleets in strata.config.ts (fleet: { urlsEnv | urlsFile | discover })', () => {
  const fleetUrls = { TENANT_URLS: 'postgres://u:s1@db1/t1,postgres://u:s2@db1/t2', TENANT_SERVER_URL: 'postgres://u:s@db3/postgres' };

  it('are read as fleets, each with its source, protection, backup and lock retries, beside the environments', () => {
    const dir = configFolder(`{
      environments: {
        staging: { urlEnv: 'STAGING_URL', protection: 'guarded' },
        tenants: { fleet: { urlsEnv: 'TENANT_URLS' }, protection: 'guarded', lockRetries: 1, backup: { mode: 'off' } },
        regions: { fleet: { urlsFile: './regions.txt' } },
        shops: { fleet: { discover: { serverUrlEnv: 'TENANT_SERVER_URL', databases: 'shop_%' } }, protection: 'open' },
      },
      console: { urlEnv: 'CONSOLE_URL' },
    }`);
    fs.writeFileSync(path.join(dir, 'regions.txt'), 'postgres://u:p@eu/app\npostgres://u:p@us/app\n');
    const config = loadConfig({ STRATA_ROOT: dir, ...urls, ...fleetUrls });
    expect(config.environments.map((e) => e.name)).toEqual(['staging']);
    expect(config.fleets).toEqual([
      { name: 'tenants', protection: 'guarded', source: { kind: 'urls', urls: ['postgres://u:s1@db1/t1', 'postgres://u:s2@db1/t2'] }, backup: { mode: 'off', keep: 10, maxAgeDays: 30 }, lockRetries: 1 },
      { name: 'regions', protection: 'protected', source: { kind: 'urls', urls: ['postgres://u:p@eu/app', 'postgres://u:p@us/app'] }, backup: { mode: 'destructive', keep: 10, maxAgeDays: 30 } },
      { name: 'shops', protection: 'open', source: { kind: 'databases', serverUrl: fleetUrls.TENANT_SERVER_URL, pattern: 'shop_%' }, backup: { mode: 'off', keep: 10, maxAgeDays: 30 } },
    ]);
    // A variable that is set wins over the file: the source, and the protection.
    const overridden = loadConfig({ STRATA_ROOT: dir, ...urls, ...fleetUrls, STRATA_ENV_TENANTS_URLS: 'postgres://u:p@db5/x', STRATA_ENV_SHOPS_PROTECTION: 'protected' });
    expect(overridden.fleets?.map((f) => [f.name, f.protection, f.source.kind === 'urls' ? f.source.urls : f.source.pattern])).toEqual([
      ['tenants', 'guarded', ['postgres://u:p@db5/x']],
      ['regions', 'protected', ['postgres://u:p@eu/app', 'postgres://u:p@us/app']],
      ['shops', 'protected', 'shop_%'],
    ]);
  });

  const wrong = (body: string, env: Record<string, string> = {}) => {
    const dir = configFolder(body);
    return { file: shown(path.join(dir, 'strata.config.ts')), error: errorOf({ STRATA_ROOT: dir, ...urls, ...fleetUrls, ...env }) };
  };
  const tail = ' (expected export default defineProject({ policies, seeds }))';

  it('a fleet without a source, with two, or with a URL where a variable is named, is refused naming the key', () => {
    const none = wrong(`{ environments: { tenants: { fleet: {} } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    expect(isStrataError(none.error, 'MALFORMED_PROJECT')).toBe(true);
    expect(none.error.message).toBe(`${none.file}: environments.tenants.fleet: needs exactly one of urlsEnv (the variable holding its URLs), urlsFile (one URL per line), discover: { serverUrlEnv, databases } or schemas (a LIKE pattern on the schema names of one database)${tail}`);
    const two = wrong(`{ environments: { tenants: { fleet: { urlsEnv: 'TENANT_URLS', urlsFile: 't.txt' } } } }`);
    expect(two.error.message).toMatch(/: environments\.tenants\.fleet: needs exactly one of urlsEnv/);
    const literal = wrong(`{ environments: { tenants: { fleet: { urlsEnv: 'postgres://u:hunter2@db/t1' } } } }`);
    expect(literal.error.message).toMatch(/: environments\.tenants\.fleet\.urlsEnv: must be the name of an environment variable/);
    expect(literal.error.message).not.toContain('hunter2');
    expect(wrong(`{ environments: { tenants: { fleet: { urls: ['postgres://db/t1'] } as never } } }`).error.message).toMatch(/: environments\.tenants\.fleet: unknown key "urls" \(/);
    expect(wrong(`{ environments: { tenants: { fleet: { discover: { serverUrlEnv: 'TENANT_SERVER_URL' } as never } } } }`).error.message).toMatch(/: environments\.tenants\.fleet\.discover\.databases: /);
  });

  it('a name is one database or a fleet, never both', () => {
    const both = wrong(`{ environments: { tenants: { urlEnv: 'PROD_URL', fleet: { urlsEnv: 'TENANT_URLS' } } } }`);
    expect(both.error.message).toBe(`${both.file}: environments.tenants: is a fleet (fleet) and one database (urlEnv/url) at once: a name is one or the other (a discovery server goes in fleet.discover.serverUrlEnv)${tail}`);
    const byVariable = wrong(`{ environments: { tenants: { urlEnv: 'PROD_URL' } }, console: { urlEnv: 'CONSOLE_URL' } }`, { STRATA_ENV_TENANTS_URLS: 'postgres://db/t1' });
    expect(byVariable.error.message).toBe(`"tenants" cannot be both a fleet and one database: STRATA_ENV_TENANTS_URLS makes it a fleet, ${byVariable.file} gives it urlEnv`);
    const urlToo = wrong(`{ environments: { tenants: { fleet: { urlsEnv: 'TENANT_URLS' } } }, console: { urlEnv: 'CONSOLE_URL' } }`, { STRATA_ENV_TENANTS_URL: 'postgres://db/t0' });
    expect(urlToo.error.message).toBe(`"tenants" cannot be both a fleet and one database: ${urlToo.file}: environments.tenants.fleet.urlsEnv lists its targets, and STRATA_ENV_TENANTS_URL is set too`);
    expect(wrong(`{ environments: { tenants: { fleet: { urlsEnv: 'TENANT_URLS' }, maxReplicationLag: '2s' } } }`).error.message).toMatch(/: environments\.tenants\.maxReplicationLag: maxReplicationLag is not supported on a fleet \(/);
  });

  it('a variable or file the fleet names that is missing is BAD_USAGE naming the key', () => {
    const unset = wrong(`{ environments: { tenants: { fleet: { urlsEnv: 'NOT_SET_ANYWHERE' } } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    expect(isStrataError(unset.error, 'BAD_USAGE')).toBe(true);
    expect(unset.error.message).toBe(`${unset.file}: environments.tenants.fleet.urlsEnv: the variable NOT_SET_ANYWHERE is not set`);
    const server = wrong(`{ environments: { tenants: { fleet: { discover: { serverUrlEnv: 'NOT_SET_ANYWHERE', databases: 't_%' } } } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    expect(server.error.message).toBe(`${server.file}: environments.tenants.fleet.discover.serverUrlEnv: the variable NOT_SET_ANYWHERE is not set`);
    const file = wrong(`{ environments: { tenants: { fleet: { urlsFile: './nowhere.txt' } } }, console: { urlEnv: 'CONSOLE_URL' } }`);
    expect(file.error.message).toMatch(new RegExp(`^${file.file.replace(/[.]/g, '\\.')}: environments\\.tenants\\.fleet\\.urlsFile: cannot read .*nowhere\\.txt \\(ENOENT\\)$`));
  });
});
