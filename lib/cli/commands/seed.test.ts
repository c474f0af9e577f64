import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { createScratchDatabase } from '../../../test/support/scratch-database';
import { cloneDatabase, createDemoTemplate, demoProjectDir, snapshot } from '../../../test/support/seed-support';

let template: Awaited<ReturnType<typeof createDemoTemplate>>;
beforeAll(async () => {
  template = await createDemoTemplate('seedcli_tmpl');
});
afterAll(async () => {
  await template?.drop();
});

describe('strata seed on a bare --database-url', () => {
  it('seeds, prints one line per table and a summary; --reset needs --force and changes nothing without it', async () => {
    const db = await cloneDatabase(template.name, 'seedcli');
    try {
      const seeded = await cli('seed', '--database-url', db.url, '--dir', demoProjectDir);
      expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
      expect(seeded.stdout).toMatch(/^✓ platform\.organizations\s+5 rows/m);
      expect(seeded.stdout).toMatch(/^✓ risk\.reset_schedule\s+5 rows/m);
      expect(seeded.stdout).toMatch(/Seeded database: 35 tables, [\d,]+ rows written in [\d.]+ s\./);
      const before = await snapshot(db.sql);

      await db.sql`insert into platform.organizations (name, slug) values ('Marker', 'marker')`;
      const marked = await snapshot(db.sql);
      const refused = await cli('seed', '--database-url', db.url, '--dir', demoProjectDir, '--reset');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/BAD_USAGE.*--reset .*bare --database-url has no protection level.*--force/);
      expect(await snapshot(db.sql)).toEqual(marked);

      const reset = await cli('seed', '--database-url', db.url, '--dir', demoProjectDir, '--reset', '--force', '--json');
      expect(reset, reset.stderr).toMatchObject({ code: 0 });
      const json = JSON.parse(reset.stdout);
      expect(json).toMatchObject({ target: null, reset: true });
      expect(json.truncated).toHaveLength(35);
      const after = await snapshot(db.sql);
      expect(after['platform.organizations']).toEqual(before['platform.organizations']);
      expect(after['platform.usage_events']).toEqual(before['platform.usage_events']);

      expect((await cli('seed', '--database-url', db.url, '--dir', demoProjectDir, '--scale', 'lots')).code).toBe(2);
      const scaled = await cli('seed', '--database-url', db.url, '--dir', demoProjectDir, '--scale', '1_000');
      expect(scaled, scaled.stderr).toMatchObject({ code: 0 });
      expect(scaled.stdout).toMatch(/^✓ platform\.usage_events\s+1,000 rows\s+\d+ ms \(COPY\)$/m);
      expect(scaled.stdout).toMatch(/\(1,000 usage events streamed with COPY\)/);
    } finally {
      await db.drop();
    }
  });
});

describe('strata seed on configured environments', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('is refused on guarded and protected environments (exit 2, audited, nothing changed) and works on an open one', async () => {
    const dev = await cloneDatabase(template.name, 'seeddev');
    const staging = await cloneDatabase(template.name, 'seedstg');
    const production = await cloneDatabase(template.name, 'seedprod');
    const consoleDb = await createScratchDatabase('seedconsole');
    try {
      Object.assign(process.env, {
        STRATA_ENVIRONMENTS: 'dev,staging,production',
        STRATA_ENV_DEV_URL: dev.url,
        STRATA_ENV_DEV_PROTECTION: 'open',
        STRATA_ENV_STAGING_URL: staging.url,
        STRATA_ENV_STAGING_PROTECTION: 'guarded',
        STRATA_ENV_PRODUCTION_URL: production.url,
        STRATA_ENV_PRODUCTION_PROTECTION: 'protected',
        STRATA_CONSOLE_DATABASE_URL: consoleDb.url,
        STRATA_AUDIT_KEY: 'test-audit-key-0123456789abcdef',
        AUTH_SECRET: 'test-auth-secret-0123456789abcdef',
      });
      await staging.sql`insert into platform.organizations (name, slug) values ('Staging Co', 'staging-co')`;
      const stagingBefore = await snapshot(staging.sql);
      const productionBefore = await snapshot(production.sql);

      for (const args of [['--env', 'staging'], ['--env', 'staging', '--reset'], ['--env', 'production'], ['--env', 'production', '--reset', '--force']]) {
        const refused = await cli('seed', ...args, '--dir', demoProjectDir, '--actor', 'dev-bot');
        expect(refused.code, args.join(' ')).toBe(2);
        const env = args[1]!;
        const protection = env === 'staging' ? 'guarded' : 'protected';
        expect(refused.stderr).toContain(`error [FORBIDDEN]: ${env} is ${protection}: seed and reset are only allowed on open environments`);
      }
      expect(await snapshot(staging.sql)).toEqual(stagingBefore);
      expect(await snapshot(production.sql)).toEqual(productionBefore);

      const seeded = await cli('seed', '--env', 'dev', '--dir', demoProjectDir, '--actor', 'dev-bot');
      expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
      expect(seeded.stdout).toMatch(/Seeded dev: 35 tables/);
      expect((await snapshot(dev.sql))['platform.organizations']!.rows).toBe(5);

      // Outcomes (each follows its intent); the CLI's actor is the OS user, --actor beside it.
      const audit = await consoleDb.sql`select actor, role, action, environment, outcome from console.audit_log where outcome <> 'started' order by id`;
      expect(audit.map((a) => `${String(a.actor).replace(/^cli:\S+ \(as (.*)\)$/, '$1')} ${a.role} ${a.action} ${a.environment} ${a.outcome}`)).toEqual([
        'dev-bot cli seed staging denied',
        'dev-bot cli reset staging denied',
        'dev-bot cli seed production denied',
        'dev-bot cli reset production denied',
        'dev-bot cli seed dev ok',
      ]);
    } finally {
      await Promise.all([dev.drop(), staging.drop(), production.drop(), consoleDb.drop()]);
    }
  });
});

describe('strata seed --table', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('seeds one table and its parents; --reset lists what the cascade empties and refuses until confirmed (exit 2, audited, nothing changed)', async () => {
    const dev = await cloneDatabase(template.name, 'seedtdev');
    const staging = await cloneDatabase(template.name, 'seedtstg');
    const consoleDb = await createScratchDatabase('seedtconsole');
    try {
      Object.assign(process.env, {
        STRATA_ENVIRONMENTS: 'dev,staging',
        STRATA_ENV_DEV_URL: dev.url,
        STRATA_ENV_DEV_PROTECTION: 'open',
        STRATA_ENV_STAGING_URL: staging.url,
        STRATA_ENV_STAGING_PROTECTION: 'guarded',
        STRATA_CONSOLE_DATABASE_URL: consoleDb.url,
        STRATA_AUDIT_KEY: 'test-audit-key-0123456789abcdef',
        AUTH_SECRET: 'test-auth-secret-0123456789abcdef',
      });
      const empty = await snapshot(dev.sql);
      const seeded = await cli('seed', '--env', 'dev', '--table', 'platform.api_keys', '--dir', demoProjectDir, '--actor', 'dev-bot');
      expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
      expect(seeded.stdout.match(/^✓ \S+/gm)).toEqual(['✓ platform.organizations', '✓ platform.users', '✓ platform.api_keys']);
      expect(seeded.stdout).toMatch(/Seeded dev \(platform\.api_keys and the parents it needs\): 3 tables, [\d,]+ rows written/);
      const once = await snapshot(dev.sql);
      expect(Object.keys(once).filter((t) => once[t]!.rows !== empty[t]!.rows).sort()).toEqual(['platform.api_keys', 'platform.organizations', 'platform.users']);

      for (const extra of [[], ['--confirm', 'staging']]) {
        const refused = await cli('seed', '--env', 'dev', '--table', 'platform.users', '--reset', ...extra, '--dir', demoProjectDir, '--actor', 'dev-bot');
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('error [CONFIRMATION_REQUIRED]: ');
        expect(refused.stderr).toContain('Resetting platform.users on dev empties it and restarts its identity sequences.');
        expect(refused.stderr).toMatch(/It would also empty 2 tables that reference it \(TRUNCATE … CASCADE\):\n\s+- platform\.api_keys\n\s+- platform\.usage_events\n/);
        expect(refused.stderr).toContain('Rerun with --confirm dev to go ahead; nothing was changed.');
        if (extra.length) expect(refused.stderr).toContain('"staging" does not match dev.');
        expect(await snapshot(dev.sql)).toEqual(once);
      }
      const guarded = await cli('seed', '--env', 'staging', '--table', 'platform.users', '--dir', demoProjectDir, '--actor', 'dev-bot');
      expect(guarded.code).toBe(2);
      expect(guarded.stderr).toContain('error [FORBIDDEN]: staging is guarded: seed and reset are only allowed on open environments');
      const bad = await cli('seed', '--env', 'dev', '--table', 'platform.users;drop table platform.users', '--dir', demoProjectDir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('error [BAD_USAGE]: A table is named schema.table');
      const unknown = await cli('seed', '--env', 'dev', '--table', 'platform.nope', '--dir', demoProjectDir, '--actor', 'dev-bot');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('error [NOT_FOUND]: dev has no table platform.nope; nothing was changed');
      expect(await snapshot(dev.sql)).toEqual(once);

      const reset = await cli('seed', '--env', 'dev', '--table', 'platform.users', '--reset', '--confirm', 'dev', '--dir', demoProjectDir, '--actor', 'dev-bot', '--json');
      expect(reset, reset.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(reset.stdout)).toMatchObject({ target: 'dev', reset: true, table: 'platform.users', truncated: ['platform.users', 'platform.api_keys', 'platform.usage_events'] });
      const after = await snapshot(dev.sql);
      expect(after['platform.api_keys']!.rows).toBe(0);
      expect(after['platform.users']).toEqual(once['platform.users']);

      const audit = await consoleDb.sql`select action, environment, outcome, target from console.audit_log where outcome <> 'started' order by id`;
      expect(audit.map((a) => `${a.action} ${a.environment} ${a.outcome}`)).toEqual([
        'seed dev ok',
        'reset dev denied',
        'reset dev denied',
        'seed staging denied',
        'seed dev failed',
        'reset dev ok',
      ]);

      // A bare URL has no name to type: --force confirms, after the same list.
      const bare = await cli('seed', '--database-url', dev.url, '--table', 'platform.users', '--reset', '--dir', demoProjectDir);
      expect(bare.code).toBe(2);
      expect(bare.stderr).toContain('Rerun with --force to go ahead; nothing was changed.');
      expect((await cli('seed', '--database-url', dev.url, '--table', 'platform.users', '--reset', '--force', '--dir', demoProjectDir)).code).toBe(0);
    } finally {
      await Promise.all([dev.drop(), staging.drop(), consoleDb.drop()]);
    }
  });
});
