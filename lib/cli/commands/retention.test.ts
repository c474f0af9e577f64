import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../seed/run-seed';
import { cloneDatabase, createDemoTemplate, demoProject, demoProjectDir } from '../../../test/support/seed-support';
import { cli } from '../../../test/support/cli-runner';
import { testContext } from '../../../test/support/run-context';
import type { ScratchDatabase } from '../../../test/support/scratch-database';

let template: Awaited<ReturnType<typeof createDemoTemplate>>;
let db: ScratchDatabase;
beforeAll(async () => {
  template = await createDemoTemplate('retcli_tmpl');
  db = await cloneDatabase(template.name, 'retcli');
  await seedDatabase(testContext(db.url), demoProject);
});
afterAll(async () => {
  await db?.drop();
  await template?.drop();
});

describe('strata retention', () => {
  it('prints every table with its policy and figures; --json carries the purge DELETEs; nothing is deleted', async () => {
    const [before] = await db.sql`select count(*)::int as n from dataservice.ds_uploads`;
    const text = await cli('retention', '--database-url', db.url, '--dir', demoProjectDir);
    expect(text, text.stderr).toMatchObject({ code: 0 });
    expect(text.stdout).toMatch(/^dataservice\.ds_uploads\s+90 days after deletion\s+FERPA,PII\s+≈42\s/m);
    expect(text.stdout).toMatch(/^dataservice\.ds_ledgers\s+7 years\s+financial/m);
    expect(text.stdout).toMatch(/^dataservice\.ds_users\s+indefinite \(soft delete\)/m);
    expect(text.stdout).toContain('35 of 35 tables have a policy');
    const json = JSON.parse((await cli('retention', '--database-url', db.url, '--dir', demoProjectDir, '--json')).stdout);
    const uploads = json.tables.find((t: { table: string }) => t.table === 'dataservice.ds_uploads');
    expect(uploads.purgeSql).toBe(`DELETE FROM "dataservice"."ds_uploads"\nWHERE "deleted_at" < now() - interval '90 days';`);
    expect(uploads.purgeRows).toBeGreaterThan(0);
    expect(await db.sql`select count(*)::int as n from dataservice.ds_uploads`).toEqual([before]);
  });

  it('without declared policies every table is unclassified; a bad target is a clear error', async () => {
    const json = JSON.parse((await cli('retention', '--database-url', db.url, '--dir', '/tmp/no-such-project', '--json')).stdout);
    expect(json.coverage).toEqual({ classified: 0, total: 35 });
    const unknown = await cli('retention', '--env', 'nowhere');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/UNKNOWN_ENVIRONMENT.*nowhere/);
  });
});
