import { describe, expect, it } from 'vitest';
import { col, fk, modelOf, tbl } from '../../test/erd/test-model';
import { findPath } from './find-path';

/**
 * projects ← ci_pipelines ← ci_builds, and projects ← issues; users ← issues (author);
 * a lonely table with no keys at all.
 */
const model = () =>
  modelOf([
    tbl('public', 'projects', [col('id', 'bigint')]),
    tbl('public', 'users', [col('id', 'bigint')]),
    tbl('public', 'ci_pipelines', [col('id', 'bigint'), col('project_id', 'bigint')], { foreignKeys: [fk('fk_pipelines_project', ['project_id'], 'public.projects', ['id'])] }),
    tbl('public', 'ci_builds', [col('id', 'bigint'), col('commit_id', 'bigint')], { foreignKeys: [fk('fk_builds_pipeline', ['commit_id'], 'public.ci_pipelines', ['id'])] }),
    tbl('public', 'issues', [col('id', 'bigint'), col('project_id', 'bigint'), col('author_id', 'bigint')], {
      foreignKeys: [fk('fk_issues_project', ['project_id'], 'public.projects', ['id']), fk('fk_issues_author', ['author_id'], 'public.users', ['id'])],
    }),
    tbl('public', 'lonely', [col('id', 'bigint')]),
  ]);

describe('find path', () => {
  it('follows foreign keys either way, fewest hops, naming each key and its direction', () => {
    const path = findPath(model(), 'public.projects', 'public.ci_builds')!;
    expect(path.tables).toEqual(['public.projects', 'public.ci_pipelines', 'public.ci_builds']);
    expect(path.steps.map((s) => [s.foreignKey, s.direction, s.holder, s.columns])).toEqual([
      ['fk_pipelines_project', 'backward', 'public.ci_pipelines', ['project_id']],
      ['fk_builds_pipeline', 'backward', 'public.ci_builds', ['commit_id']],
    ]);
    // The other way round walks the same keys forward.
    expect(findPath(model(), 'public.ci_builds', 'public.projects')!.steps.map((s) => s.direction)).toEqual(['forward', 'forward']);
  });

  it('goes through a table that references both ends', () => {
    expect(findPath(model(), 'public.users', 'public.projects')!.tables).toEqual(['public.users', 'public.issues', 'public.projects']);
  });

  it('answers null when nothing connects them or a table is unknown, and no steps from a table to itself', () => {
    expect(findPath(model(), 'public.projects', 'public.lonely')).toBeNull();
    expect(findPath(model(), 'public.projects', 'public.nope')).toBeNull();
    expect(findPath(model(), 'public.users', 'public.users')).toEqual({ tables: ['public.users'], steps: [] });
  });

  it('is the same path whatever order the tables and keys are listed in', () => {
    const shuffled = model();
    shuffled.tables.reverse();
    expect(findPath(shuffled, 'public.users', 'public.ci_builds')).toEqual(findPath(model(), 'public.users', 'public.ci_builds'));
  });
});
