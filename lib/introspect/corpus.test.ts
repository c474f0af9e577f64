import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterSchema } from '../erd/clusters';
import { findPath } from '../erd/find-path';
import { inferRelationships } from '../erd/inferred';
import { selectTables } from '../erd/model-helpers';
import { connect } from '../db/client';
import {
  CORPUS_DIR,
  CORPUS_DUMPS,
  corpusStyleCounts,
  ensurePostgresRole,
  expectedCorpusCounts,
  loadCorpusDump,
} from '../../test/support/corpus-dumps';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { introspect } from './introspect';
import type { SchemaModel } from './schema-model';

// Real schemas nobody on this project wrote (/work/shared/corpus), loaded without psql into
// a fresh database each, introspected once, and compared with the counts tools/ground_truth.sql
// recorded on PostgreSQL 15.18. Every count must match exactly; where PostgreSQL 18 needs the
// dump to change, the change is declared on the dump with its reason.

const corpusPresent = fs.existsSync(path.join(CORPUS_DIR, 'ground-truth.json'));
if (!corpusPresent) console.warn(`corpus.test.ts: no corpus at ${CORPUS_DIR} (set STRATA_CORPUS_DIR); the corpus tests are skipped`);

describe.skipIf(!corpusPresent)('introspect: the external corpus matches its ground truth', () => {
  beforeAll(async () => {
    const admin = connect(inject('pgAdminUrl'), { max: 1 });
    try {
      await ensurePostgresRole(admin);
    } finally {
      await admin.end();
    }
  });

  // Sequential, one database at a time: each is loaded once, introspected once, dropped.
  for (const dump of CORPUS_DUMPS) {
    describe(dump.name, () => {
      let db: ScratchDatabase;
      let model: SchemaModel;
      beforeAll(async () => {
        db = await createScratchDatabase(`corpus_${dump.name}`);
        await loadCorpusDump(db.sql, dump);
        model = await introspect(db.sql);
      }, 60_000);
      afterAll(async () => {
        await db?.drop();
      });

      if (dump.name === 'gitlab') {
        it('find path: real foreign-key paths inside the CI tables, and none from them to projects (GitLab keeps CI in its own database)', () => {
          const inside = findPath(model, 'public.ci_pipelines', 'public.ci_builds');
          expect(inside?.tables).toEqual(['public.p_ci_pipelines', 'public.p_ci_builds']);
          // Every step is a foreign key the schema really has, between the tables it names.
          for (const step of inside!.steps) {
            const holder = model.tables.find((t) => t.id === step.holder)!;
            const key = holder.foreignKeys.find((k) => k.name === step.foreignKey)!;
            expect([step.from, step.to].sort()).toEqual([holder.id, key.references.table].sort());
          }
          // GitLab's CI tables live in a separate database in production, tied to the rest by
          // "loose foreign keys" (plain project_id columns): no declared key reaches projects.
          expect(findPath(model, 'public.projects', 'public.ci_builds')).toBeNull();
          // Their plain project_id columns, inferred, do connect them.
          const inferred = inferRelationships(model);
          const path = findPath(model, 'public.projects', 'public.ci_builds', { inferred });
          expect(path?.tables[0]).toBe('public.projects');
          expect(path?.tables.at(-1)).toBe('public.p_ci_builds');
          expect(path!.steps.some((s) => s.inferred)).toBe(true);
          expect(inferred.find((r) => r.id === 'public.p_ci_builds.project_id')).toMatchObject({ kind: 'naming', references: { table: 'public.projects', columns: ['id'] } });
          console.log(`GitLab: ${inferred.length} inferred relationships (${inferred.filter((r) => r.kind === 'polymorphic').length} polymorphic); projects → ci_builds: ${path!.tables.join(' → ')}`);
        });

        it('clusters: every shown table in exactly one named cluster, CI together, the same whatever the order', () => {
          const started = performance.now();
          const result = clusterSchema(model)!;
          const elapsed = performance.now() - started;
          console.log(`gitlab clusters: ${result.clusters.length} clusters, ${result.edges.length} weighted edges, ${elapsed.toFixed(0)} ms`);
          const shown = selectTables(model).map((t) => t.id).sort();
          expect(result.clusters.flatMap((c) => c.tables).sort()).toEqual(shown);
          expect(result.clusters.length).toBeGreaterThanOrEqual(20);
          expect(result.clusters.length).toBeLessThanOrEqual(120);
          for (const cluster of result.clusters) expect(cluster.tables).toContain(cluster.name);
          const home = (id: string) => result.clusters.find((c) => c.tables.includes(id))?.id;
          // ci_builds and ci_pipelines are partitions of p_ci_builds / p_ci_pipelines, drawn as those.
          expect(home('public.p_ci_builds')).toBe(home('public.p_ci_pipelines'));
          expect(home('public.p_ci_stages')).toBe(home('public.p_ci_pipelines'));
          expect(home('public.merge_request_diffs')).toBe(home('public.merge_requests'));
          expect(result.clusters.map((c) => c.name)).toEqual(expect.arrayContaining(['public.projects', 'public.users', 'public.namespaces']));
          const shuffled: SchemaModel = structuredClone(model);
          shuffled.tables.reverse();
          for (const table of shuffled.tables) table.foreignKeys.reverse();
          expect(clusterSchema(shuffled)).toEqual(result);
        });
      }

      it('counts exactly what ground-truth.json counts', () => {
        expect(corpusStyleCounts(model)).toEqual(expectedCorpusCounts(dump.name));
      });

      if (dump.name === 'musicbrainz') {
        it('brings the ICU collation and the enums through', () => {
          const collated = model.tables.flatMap((t) => t.columns.filter((c) => c.collation !== null).map((c) => c.collation));
          expect(collated).toEqual(Array(6).fill('musicbrainz.musicbrainz'));
          expect(model.enums.map((e) => e.id)).toContain('musicbrainz.fluency');
          expect(model.tables.some((t) => t.columns.some((c) => c.enumType === 'musicbrainz.fluency'))).toBe(true);
        });
      }

      it('is internally consistent: FKs, partitions and index keys resolve', () => {
        const byId = new Map(model.tables.map((t) => [t.id, t]));
        for (const t of model.tables) {
          for (const fk of t.foreignKeys) {
            const target = byId.get(fk.references.table);
            expect(target, `${t.id} ${fk.name}`).toBeDefined();
            expect(fk.references.columns.filter((c) => !target!.columns.some((col) => col.name === c))).toEqual([]);
          }
          for (const child of t.partitions) expect(byId.get(child)?.partitionOf).toBe(t.id);
          if (t.partitionOf) expect(byId.get(t.partitionOf)?.partitions).toContain(t.id);
          for (const index of t.indexes) {
            for (const k of index.keys) expect((k.column === null) !== (k.expression === null)).toBe(true);
          }
        }
      });
    });
  }

  // PostgREST's fixtures need PostGIS 3, which the embedded PostgreSQL does not ship
  // (only the contrib modules), and they create cluster-wide roles, one of them SUPERUSER.
  it.skip('postgrest (needs PostGIS, not available in embedded PostgreSQL)', () => {});
});
