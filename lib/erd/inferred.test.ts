import { describe, expect, it } from 'vitest';
import { col, fk, modelOf, tbl } from '../../test/erd/test-model';
import { findPath } from './find-path';
import { inferRelationships } from './inferred';

const pk = { primaryKey: { name: 'pk', columns: ['id'] } };

/**
 * projects, and CI tables tied to them by plain columns; issues with a real key; notes that
 * point at "an Issue or a MergeRequest"; a uuid id that a bigint column cannot name.
 */
function model(withKeys = false) {
  return modelOf([
    tbl('public', 'projects', [col('id', 'bigint')], pk),
    tbl('public', 'ci_pipelines', [col('id', 'bigint'), col('project_id', 'bigint')], {
      ...pk,
      foreignKeys: withKeys ? [fk('fk_pipelines_project', ['project_id'], 'public.projects', ['id'])] : [],
    }),
    tbl('public', 'ci_builds', [col('id', 'bigint'), col('pipeline_id', 'integer')], {
      ...pk,
      foreignKeys: withKeys ? [fk('fk_builds_pipeline', ['pipeline_id'], 'public.ci_pipelines', ['id'])] : [],
    }),
    tbl('public', 'issues', [col('id', 'bigint'), col('project_id', 'bigint')], { ...pk, foreignKeys: [fk('fk_issues_project', ['project_id'], 'public.projects', ['id'])] }),
    tbl('public', 'notes', [col('id', 'bigint'), col('noteable_type', 'character varying(40)'), col('noteable_id', 'bigint')], {
      ...pk,
      checkConstraints: [{ name: 'notes_type', definition: "CHECK (((noteable_type)::text = ANY ((ARRAY['Issue'::character varying, 'MergeRequest'::character varying])::text[])))", validated: true }],
    }),
    tbl('public', 'widgets', [col('id', 'uuid')], pk),
    tbl('public', 'orders', [col('id', 'bigint'), col('widget_id', 'bigint')], pk),
  ]);
}

describe('inferred relationships', () => {
  it('names <x>_id columns after the table they mean (plural, the table prefix), polymorphic pairs after their type values', () => {
    expect(inferRelationships(model()).map((r) => [r.id, r.kind, r.references?.table ?? null, r.candidates, r.reason])).toEqual([
      ['public.ci_builds.pipeline_id', 'naming', 'public.ci_pipelines', [], 'pipeline_id names public.ci_pipelines (id)'],
      ['public.ci_pipelines.project_id', 'naming', 'public.projects', [], 'project_id names public.projects (id)'],
      ['public.notes.noteable_id', 'polymorphic', null, ['public.issues'], 'noteable_type + noteable_id point at a row of the table noteable_type names (public.issues)'],
    ]);
  });

  it('infers nothing a foreign key already declares, nor across incompatible types (widget_id bigint vs uuid)', () => {
    const inferred = inferRelationships(model(true));
    expect(inferred.map((r) => r.id)).toEqual(['public.notes.noteable_id']);
    expect(inferred.some((r) => r.table === 'public.orders')).toBe(false);
  });

  it('is the same whatever order the tables come in', () => {
    const shuffled = model();
    shuffled.tables.reverse();
    expect(inferRelationships(shuffled)).toEqual(inferRelationships(model()));
  });

  it('lets find path walk inferred links, marked as such, when asked', () => {
    expect(findPath(model(), 'public.projects', 'public.ci_builds')).toBeNull();
    const path = findPath(model(), 'public.projects', 'public.ci_builds', { inferred: inferRelationships(model()) })!;
    expect(path.tables).toEqual(['public.projects', 'public.ci_pipelines', 'public.ci_builds']);
    expect(path.steps.map((s) => [s.foreignKey, s.inferred])).toEqual([
      ['inferred: project_id names public.projects (id)', true],
      ['inferred: pipeline_id names public.ci_pipelines (id)', true],
    ]);
  });
});

describe('exports mark inferred relationships', () => {
  it('Mermaid draws them dashed, labelled inferred; DBML writes a ref with an inferred comment; without the option, neither', async () => {
    const { toMermaid } = await import('./export-mermaid');
    const { toDbml } = await import('./export-dbml');
    const m = model();
    const inferred = inferRelationships(m);
    const mermaid = toMermaid(m, { inferred });
    expect(mermaid).toContain('"public__ci_pipelines" }o..o| "public__projects" : "inferred project_id"');
    expect(toMermaid(m)).not.toContain('inferred');
    const dbml = toDbml(m, { inferred });
    expect(dbml).toMatch(/Ref .*"public"\."ci_pipelines"\."project_id" > "public"\."projects"\."id" \/\/ inferred: project_id names public\.projects \(id\)/);
    expect(toDbml(m)).not.toContain('inferred');
  });

  it('the Markdown dictionary lists them per table, apart from the foreign keys, with their reasons; without the option, not at all', async () => {
    const { toMarkdownDictionary } = await import('./export-markdown');
    const m = model(true);
    const text = toMarkdownDictionary(m, { inferred: inferRelationships(m) });
    const notes = text.slice(text.indexOf('### `public.notes`'), text.indexOf('### `public.orders`'));
    expect(notes).toContain('Inferred relationships (no foreign key declares them):\n\n- `noteable_type`, `noteable_id` → one of `public.issues` (polymorphic), inferred: noteable_type + noteable_id point at a row of the table noteable_type names (public.issues)\n');
    // Declared keys stay in their own table and are never listed as inferred.
    const pipelines = text.slice(text.indexOf('### `public.ci_pipelines`'), text.indexOf('### `public.issues`'));
    expect(pipelines).toContain('Foreign keys:');
    expect(pipelines).not.toContain('Inferred relationships');
    const loose = toMarkdownDictionary(model(), { inferred: inferRelationships(model()) });
    expect(loose).toContain('- `project_id` → `public.projects` (`id`), inferred: project_id names public.projects (id)');
    expect(toMarkdownDictionary(m)).not.toContain('Inferred relationships');
  });
});
