import { afterEach, describe, expect, inject, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase } from '../../../test/support/scratch-database';

describe('strata drift --env', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("replays an environment's applied set once, then reads it from the console database", async () => {
    const target = await createScratchDatabase('drift_cli');
    const consoleDb = await createScratchDatabase('drift_cli_console');
    const dir = writeFixtureProject([{ name: 'a', up: 'create table public.a (id int primary key, name text);', down: 'drop table public.a;' }]);
    try {
      Object.assign(process.env, {
        STRATA_ENVIRONMENTS: 'stage',
        STRATA_ENV_STAGE_URL: target.url,
        STRATA_ENV_STAGE_PROTECTION: 'guarded',
        STRATA_CONSOLE_DATABASE_URL: consoleDb.url,
        STRATA_SHADOW_DATABASE_URL: inject('pgAdminUrl'),
        STRATA_AUDIT_KEY: 'test-audit-key-0123456789abcdef',
        AUTH_SECRET: 'test-auth-secret-0123456789abcdef',
      });
      const applied = await cli('apply', '--env', 'stage', '--dir', dir);
      expect(applied, applied.stderr).toMatchObject({ code: 0 });
      const first = await cli('drift', '--env', 'stage', '--dir', dir);
      expect(first, first.stderr).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(/Expected schema: replayed on a shadow database now, in \d+ ms\./);
      await target.sql`create index a_name_by_hand on public.a (name)`;
      const second = await cli('drift', '--env', 'stage', '--dir', dir, '--json');
      expect(second.code).toBe(1);
      const report = JSON.parse(second.stdout);
      expect(report.expected).toMatchObject({ source: 'cached' });
      expect(report.diff.changes.map((c: { name: string }) => c.name)).toEqual(['a_name_by_hand']);
      const [kept] = await consoleDb.sql`select count(*)::int as n from console.expected_schemas`;
      expect(kept?.n).toBe(1);
    } finally {
      await target.drop();
      await consoleDb.drop();
    }
  });
});
