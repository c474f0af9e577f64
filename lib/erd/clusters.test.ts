import { describe, expect, it } from 'vitest';
import { col, fk, modelOf, tbl } from '../../test/erd/test-model';
import type { SchemaModel, Table } from '../introspect/schema-model';
import { CLUSTER_THRESHOLD, MAX_COMMUNITY, STRONG_PREFIX, clusterSchema } from './clusters';

/** A table holding one foreign key per target, named `<table>_<target>_fkey`, each on its own column. */
const t = (schema: string, name: string, targets: string[] = []): Table =>
  tbl(schema, name, [col('id', 'bigint'), ...targets.map((target) => col(`${target.replace('.', '_')}_id`, 'bigint'))], {
    foreignKeys: targets.map((target) => fk(`${name}_${target.replace('.', '_')}_fkey`, [`${target.replace('.', '_')}_id`], target, ['id'])),
  });

/**
 * Two tight groups in `app` (CI and issues) joined by one key, a tight group in `billing`
 * joined to app's issues across schemas, and tables with no keys at all: `ci_settings` (CI's
 * prefix), three `audit_` tables (a prefix of their own), `flags` and `billing.notes` (nothing).
 */
const model = (): SchemaModel =>
  modelOf([
    t('app', 'ci_pipelines', ['app.ci_runners']),
    t('app', 'ci_builds', ['app.ci_pipelines', 'app.ci_runners', 'app.ci_stages']),
    t('app', 'ci_stages', ['app.ci_pipelines']),
    t('app', 'ci_job_artifacts', ['app.ci_builds', 'app.ci_pipelines']),
    t('app', 'ci_runners'),
    t('app', 'ci_settings'),
    t('app', 'issues', ['app.labels', 'app.ci_pipelines']),
    t('app', 'issue_links', ['app.issues', 'app.labels']),
    t('app', 'issue_assignees', ['app.issues', 'app.labels']),
    t('app', 'labels'),
    t('app', 'label_links', ['app.labels', 'app.issues']),
    t('app', 'audit_a'),
    t('app', 'audit_b'),
    t('app', 'audit_c'),
    t('app', 'flags'),
    t('billing', 'customers'),
    t('billing', 'invoices', ['billing.customers', 'app.issues']),
    t('billing', 'invoice_lines', ['billing.invoices', 'billing.customers']),
    t('billing', 'payments', ['billing.invoices', 'billing.customers']),
    t('billing', 'notes'),
  ]);

describe('clusters', () => {
  it('leaves schemas up to the threshold alone', () => {
    expect(clusterSchema(model())).toBeNull();
    expect(CLUSTER_THRESHOLD).toBeGreaterThanOrEqual(model().tables.length);
    expect(clusterSchema(model(), 19)).not.toBeNull();
  });

  it('groups by foreign keys, then by prefix, across schemas, named after the most central table', () => {
    const result = clusterSchema(model(), 0)!;
    expect(result.clusters.map((c) => [c.id, c.kind, c.tables])).toEqual([
      ['cluster:app.audit_a', 'prefix', ['app.audit_a', 'app.audit_b', 'app.audit_c']],
      ['cluster:app.ci_pipelines', 'community', ['app.ci_builds', 'app.ci_job_artifacts', 'app.ci_pipelines', 'app.ci_runners', 'app.ci_settings', 'app.ci_stages']],
      ['cluster:app.flags', 'unconnected', ['app.flags']],
      ['cluster:app.issues', 'community', ['app.issue_assignees', 'app.issue_links', 'app.issues', 'app.label_links', 'app.labels']],
      ['cluster:billing.invoices', 'community', ['billing.customers', 'billing.invoice_lines', 'billing.invoices', 'billing.payments']],
      ['cluster:billing.notes', 'unconnected', ['billing.notes']],
    ]);
    // Every table in exactly one cluster.
    const members = result.clusters.flatMap((c) => c.tables).sort();
    expect(members).toEqual(model().tables.map((x) => x.id).sort());
  });

  it('weighs edges between clusters by the foreign keys they carry, from holder to referenced', () => {
    expect(clusterSchema(model(), 0)!.edges).toEqual([
      { source: 'cluster:app.issues', target: 'cluster:app.ci_pipelines', foreignKeys: 1 },
      { source: 'cluster:billing.invoices', target: 'cluster:app.issues', foreignKeys: 1 },
    ]);
    const heavier = model();
    heavier.tables.find((x) => x.name === 'payments')!.foreignKeys.push(fk('payments_issue', ['id'], 'app.issues', ['id']));
    expect(clusterSchema(heavier, 0)!.edges).toContainEqual({ source: 'cluster:billing.invoices', target: 'cluster:app.issues', foreignKeys: 2 });
  });

  it('gives the same clusters whatever order the tables and keys are listed in', () => {
    const expected = clusterSchema(model(), 0);
    const shuffled = model();
    shuffled.tables.reverse();
    for (const table of shuffled.tables) table.foreignKeys.reverse();
    expect(clusterSchema(shuffled, 0)).toEqual(expected);
    const interleaved = model();
    interleaved.tables = interleaved.tables.filter((_, i) => i % 2 === 1).concat(interleaved.tables.filter((_, i) => i % 2 === 0));
    expect(clusterSchema(interleaved, 0)).toEqual(expected);
  });

  it('splits an oversized community along its strong prefixes and leaves the rest with the hub', () => {
    // A star: 70 tables all referencing `projects`, 8 of them `pkg_`, 2 `wiki_` (too few to split off).
    const spokes = Array.from({ length: 60 }, (_, i) => t('app', `spoke${String(i).padStart(2, '0')}`, ['app.projects']));
    const pkg = Array.from({ length: 8 }, (_, i) => t('app', `pkg_${i}`, ['app.projects']));
    const wiki = [t('app', 'wiki_pages', ['app.projects']), t('app', 'wiki_slugs', ['app.projects'])];
    const star = modelOf([t('app', 'projects'), ...spokes, ...pkg, ...wiki]);
    expect(71).toBeGreaterThan(MAX_COMMUNITY);
    expect(8).toBeGreaterThanOrEqual(STRONG_PREFIX);
    const result = clusterSchema(star, 0)!;
    expect(result.clusters.map((c) => [c.id, c.kind, c.tables.length])).toEqual([
      ['cluster:app.pkg_0', 'prefix', 8],
      ['cluster:app.projects', 'community', 63],
    ]);
    expect(result.edges).toEqual([{ source: 'cluster:app.pkg_0', target: 'cluster:app.projects', foreignKeys: 8 }]);
  });
});
