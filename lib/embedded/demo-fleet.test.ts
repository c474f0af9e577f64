import { afterAll, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { quoteIdent } from '../db/identifiers';
import { DEMO_FLEET } from '../config/demo-environments';
import type { Fleet } from '../config/types';
import { createLogger } from '../observability/logger';
import { readTargetStatus } from '../migrate/read-status';
import { fleetTargets } from '../fleet/fleet-targets';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { withTestAdmin } from '../../test/support/scratch-database';
import { bootstrapDemoFleet, tenantPlan } from './demo-fleet';

/**
 * The demo fleet on a real server: 50 tenant databases copied from two templates, found by
 * discovery (the templates never), some behind, and reused (only missing tenants made) later.
 */
const adminUrl = inject('pgAdminUrl');
const fleet: Fleet = { name: 'tenants', protection: 'guarded', source: { kind: 'databases', serverUrl: adminUrl, pattern: DEMO_FLEET.pattern } };
const project = readProject(writeFixtureProject(['a', 'b', 'c', 'd', 'e'].map((n) => ({ name: n, up: `create table ${n} (id int);` }))));
const logger = createLogger({ write: () => {} } as never);
const lines: string[] = [];

afterAll(async () => {
  await withTestAdmin(async (sql) => {
    const rows = await sql`select datname from pg_database where datname like 'strata\_tenant\_%' or datname like 'strata\_template\_tenant\_%'`;
    for (const r of rows) {
      await sql.unsafe(`alter database ${quoteIdent(String(r.datname))} is_template false`);
      await sql.unsafe(`drop database ${quoteIdent(String(r.datname))} with (force)`);
    }
  });
});

describe('the demo fleet', () => {
  it('plans 40 tenants at the head and every fifth (10) three change sets behind', () => {
    const plan = tenantPlan(project);
    expect(plan).toHaveLength(50);
    expect(plan[0]).toEqual({ database: 'strata_tenant_001', upTo: '0004_e' });
    expect(plan[4]).toEqual({ database: 'strata_tenant_005', upTo: '0001_b' });
    expect(plan.filter((t) => t.upTo === '0001_b')).toHaveLength(10);
  });

  it('is made on first start from two templates, discovered without them, and reused afterwards', async () => {
    const made = await bootstrapDemoFleet(fleet, project, 'test', logger, (l) => lines.push(l));
    expect(made).toHaveLength(50);
    expect(lines[0]).toBe('Creating 50 tenant databases of the demo fleet "tenants"');

    const targets = await fleetTargets(fleet);
    expect(targets.map((t) => t.name)).toEqual(tenantPlan(project).map((t) => t.database));
    const templates = await withTestAdmin((sql) => sql`select datname, datistemplate, datallowconn from pg_database where datname like 'strata\_template\_tenant\_%' order by 1`);
    expect(templates.map((r) => [r.datname, r.datistemplate, r.datallowconn])).toEqual([
      ['strata_template_tenant_behind', true, false],
      ['strata_template_tenant_head', true, false],
    ]);

    const first = await readTargetStatus(targets[0]!.url, project);
    expect(first.schemaVersion).toBe('0004_e');
    expect(first.counts.pending).toBe(0);
    const fifth = await readTargetStatus(targets[4]!.url, project);
    expect(fifth.schemaVersion).toBe('0001_b');
    expect(fifth.counts.pending).toBe(3);
    // The head template was copied from the one behind: each change set is in the history once.
    expect(first.changeSets.map((c) => c.state)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);

    // A second start makes nothing; a tenant dropped since is made again, alone, from its template.
    expect(await bootstrapDemoFleet(fleet, project, 'test', logger)).toEqual([]);
    await withTestAdmin((sql) => sql.unsafe('drop database strata_tenant_010 with (force)'));
    expect(await bootstrapDemoFleet(fleet, project, 'test', logger)).toEqual(['strata_tenant_010']);
    expect((await readTargetStatus(targets[9]!.url, project)).schemaVersion).toBe('0001_b');
  });

  it('a template left half-made (not marked a template) is made again, not copied', async () => {
    await withTestAdmin(async (sql) => {
      await sql.unsafe('alter database strata_template_tenant_head is_template false');
      await sql.unsafe('drop database strata_template_tenant_head');
      await sql.unsafe('create database strata_template_tenant_head');
      await sql.unsafe('drop database strata_tenant_001 with (force)');
    });
    expect(await bootstrapDemoFleet(fleet, project, 'test', logger)).toEqual(['strata_tenant_001']);
    const [target] = await fleetTargets(fleet);
    expect((await readTargetStatus(target!.url, project)).schemaVersion).toBe('0004_e');
  });
});
