import { describe, expect, it } from 'vitest';
import type { DiffChange, SchemaDiff } from '@/lib/diff/types';
import { schemaToGraph } from '@/lib/erd/graph';
import { col, fk, idx, modelOf, tbl } from '@/test/erd/test-model';
import { buildNodeData, NO_MARKS } from './build-flow';
import { nodeSize } from '@/lib/erd/elk-graph';
import { diffMarks, reserveBadgeRoom, surfaceMarkedColumns, toChangeMarks, withNeighbours } from './diff-marks';

function change(kind: DiffChange['kind'], action: DiffChange['action'], table: string | null, name: string, extra: Partial<DiffChange> = {}): DiffChange {
  return { kind, action, table, name, attributes: [], before: null, after: null, risks: [], ...extra };
}

function diffOf(changes: DiffChange[]): SchemaDiff {
  const summary = { added: 0, removed: 0, changed: 0 };
  for (const c of changes) summary[c.action]++;
  return { changes, summary, risks: [] };
}

const pk = (table: string) => ({ name: `${table}_pkey`, columns: ['id'] });

/*
 * orgs ← users ← posts ← comments, plus audit (unrelated), legacy (removed, → users) and
 * tags (added, → posts). users: nick removed, email's type changed, handle added; comments:
 * only a new index.
 */
const before = modelOf([
  tbl('app', 'orgs', [col('id', 'bigint', { nullable: false })], { primaryKey: pk('orgs') }),
  tbl('app', 'users', [
    col('id', 'bigint', { nullable: false }),
    col('org_id', 'bigint'),
    col('nick', 'text'),
    col('email', 'text'),
  ], { primaryKey: pk('users'), foreignKeys: [fk('users_org_fkey', ['org_id'], 'app.orgs', ['id'])] }),
  tbl('app', 'posts', [col('id', 'bigint', { nullable: false }), col('user_id', 'bigint')], {
    primaryKey: pk('posts'),
    foreignKeys: [fk('posts_user_fkey', ['user_id'], 'app.users', ['id'])],
  }),
  tbl('app', 'comments', [col('id', 'bigint', { nullable: false }), col('post_id', 'bigint')], {
    primaryKey: pk('comments'),
    foreignKeys: [fk('comments_post_fkey', ['post_id'], 'app.posts', ['id'])],
  }),
  tbl('app', 'audit', [col('id', 'bigint')]),
  tbl('app', 'legacy', [col('id', 'int'), col('user_id', 'bigint')], {
    foreignKeys: [fk('legacy_user_fkey', ['user_id'], 'app.users', ['id'])],
  }),
]);

const after = modelOf([
  before.tables[0],
  tbl('app', 'users', [
    col('id', 'bigint', { nullable: false }),
    col('org_id', 'bigint'),
    col('email', 'character varying(320)', { nullable: false }),
    col('handle', 'text'),
  ], { primaryKey: pk('users'), foreignKeys: [fk('users_org_fkey', ['org_id'], 'app.orgs', ['id'])] }),
  before.tables[2],
  { ...before.tables[3], indexes: [idx('comments_post_idx', ['post_id'])] },
  before.tables[4],
  tbl('app', 'tags', [col('id', 'bigint'), col('post_id', 'bigint')], {
    foreignKeys: [fk('tags_post_fkey', ['post_id'], 'app.posts', ['id'])],
  }),
]);

const diff = diffOf([
  change('index', 'added', 'app.comments', 'comments_post_idx', { after: 'CREATE INDEX comments_post_idx …' }),
  change('table', 'removed', 'app.legacy', 'app.legacy'),
  change('column', 'removed', 'app.legacy', 'id'),
  change('table', 'added', 'app.tags', 'app.tags'),
  change('column', 'added', 'app.tags', 'id'),
  change('foreign_key', 'added', 'app.tags', 'tags_post_fkey'),
  change('column', 'changed', 'app.users', 'email', { attributes: ['type', 'nullable'], before: 'email text', after: 'email character varying(320) NOT NULL' }),
  change('column', 'added', 'app.users', 'handle', { after: 'handle text' }),
  change('column', 'removed', 'app.users', 'nick', { before: 'nick text' }),
  change('enum', 'added', 'app.mood', 'app.mood'),
  change('view', 'changed', 'app.user_list', 'app.user_list', { attributes: ['definition'] }),
  change('schema', 'added', null, 'reports'),
  change('extension', 'removed', null, 'pg_trgm'),
]);

describe('diffMarks', () => {
  const marks = diffMarks(before, after, diff);

  it('draws after, plus removed tables and removed columns where they stood', () => {
    expect(marks.model.tables.map((t) => t.id)).toEqual(['app.orgs', 'app.users', 'app.posts', 'app.comments', 'app.audit', 'app.tags', 'app.legacy']);
    const users = marks.model.tables.find((t) => t.id === 'app.users')!;
    expect(users.columns.map((c) => [c.name, c.position])).toEqual([['id', 1], ['org_id', 2], ['nick', 3], ['email', 4], ['handle', 5]]);
    expect(users.columns[3].type).toBe('character varying(320)');
    expect(marks.model.tables.find((t) => t.id === 'app.legacy')).toBe(before.tables[5]);
    // Inputs untouched.
    expect(after.tables[1].columns.map((c) => c.name)).toEqual(['id', 'org_id', 'email', 'handle']);
  });

  it('marks tables and columns: whole-table changes carry no column marks', () => {
    expect(Object.fromEntries([...marks.tables].map(([id, m]) => [id, m.mark]))).toEqual({
      'app.legacy': 'removed',
      'app.tags': 'added',
      'app.comments': 'changed',
      'app.users': 'changed',
    });
    expect(marks.tables.get('app.tags')!.columns).toEqual({});
    expect(marks.tables.get('app.legacy')!.columns).toEqual({});
    expect(marks.tables.get('app.users')!.columns).toEqual({
      email: { mark: 'changed', attributes: ['type', 'nullable'], title: 'email text → email character varying(320) NOT NULL' },
      handle: { mark: 'added', attributes: [], title: 'handle text' },
      nick: { mark: 'removed', attributes: [], title: 'nick text' },
    });
  });

  it('counts a table touched only by an index or constraint as changed, with a note', () => {
    expect(marks.tables.get('app.comments')).toEqual({ mark: 'changed', notes: ['index comments_post_idx added'], columns: {} });
  });

  it('counts tables and columns per mark, and what the diagram cannot show', () => {
    expect(marks.counts).toEqual({
      tables: { added: 1, changed: 2, removed: 1 },
      columns: { added: 1, changed: 1, removed: 1 },
      notDrawn: 4, // the enum, the view, the schema and the extension
    });
    expect(marks.includeBookkeeping).toBe(false);
  });

  it('returns after itself when nothing is removed', () => {
    const only = diffMarks(before, after, diffOf([change('column', 'added', 'app.users', 'handle')]));
    expect(only.model).toBe(after);
  });

  it('puts a removed first column first', () => {
    const b = modelOf([tbl('app', 't', [col('a', 'int'), col('b', 'int'), col('c', 'int')])]);
    const a = modelOf([tbl('app', 't', [col('b', 'int'), col('d', 'int')])]);
    const m = diffMarks(b, a, diffOf([change('column', 'removed', 'app.t', 'a'), change('column', 'removed', 'app.t', 'c'), change('column', 'added', 'app.t', 'd')]));
    expect(m.model.tables[0].columns.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lands a partition’s changes on its partitioned root', () => {
    const parent = tbl('app', 'events', [col('id', 'bigint'), col('at', 'timestamptz')], {
      kind: 'partitioned',
      partitions: ['app.events_2025'],
    });
    const part = tbl('app', 'events_2025', [col('id', 'bigint'), col('at', 'timestamptz')], { kind: 'partition', partitionOf: 'app.events' });
    const m = diffMarks(modelOf([parent]), modelOf([parent, part]), diffOf([change('table', 'added', 'app.events_2025', 'app.events_2025')]));
    expect([...m.tables.keys()]).toEqual(['app.events']);
    expect(m.tables.get('app.events')).toEqual({ mark: 'changed', notes: ['partition app.events_2025 added'], columns: {} });
  });

  it('shows bookkeeping schemas when the change touches them', () => {
    const t = tbl('strata', 'change_log', [col('id', 'bigint')]);
    const m = diffMarks(modelOf([]), modelOf([t]), diffOf([change('table', 'added', 'strata.change_log', 'strata.change_log')]));
    expect(m.includeBookkeeping).toBe(true);
  });
});

describe('toChangeMarks', () => {
  it('feeds build-flow: table and column marks plus diff details', () => {
    const marks = diffMarks(before, after, diff);
    const out = toChangeMarks(marks);
    expect(out.tables.get('app.legacy')).toBe('removed');
    expect(out.columns.get('app.users')).toEqual({ email: 'changed', handle: 'added', nick: 'removed' });
    expect(out.diff!.columns.get('app.users')!.email.attributes).toEqual(['type', 'nullable']);
    expect(out.diff!.tableNotes.get('app.comments')).toEqual(['index comments_post_idx added']);

    const graph = schemaToGraph(marks.model);
    const data = buildNodeData(graph, false, out);
    expect(data.get('app.users')!.change).toBe('changed');
    expect(data.get('app.users')!.diff!.columns.nick).toEqual({ attributes: [], title: 'nick text' });
    expect(data.get('app.orgs')!.change).toBeNull();
    expect(data.get('app.orgs')!.diff).toEqual({ notes: [], columns: {} });
    // The live ERD's marks carry no diff details.
    expect(buildNodeData(graph, false, NO_MARKS).get('app.users')!.diff).toBeNull();
  });
});

describe('withNeighbours', () => {
  it('adds the direct FK neighbours, both directions, one hop only', () => {
    const marks = diffMarks(before, after, diff);
    const graph = schemaToGraph(marks.model);
    expect([...withNeighbours(graph, new Set(['app.comments']))].sort()).toEqual(['app.comments', 'app.posts']);
    expect([...withNeighbours(graph, new Set(['app.users']))].sort()).toEqual(['app.legacy', 'app.orgs', 'app.posts', 'app.users']);
    expect([...withNeighbours(graph, new Set(['app.audit', 'app.nowhere']))]).toEqual(['app.audit']);
  });
});

describe('surfaceMarkedColumns', () => {
  it('moves marked columns of a wide table up behind the keys, so none hides in "+N more"', () => {
    const names = Array.from({ length: 40 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const t = tbl('app', 'wide', names.map((n) => col(n, 'int')), { primaryKey: { name: 'wide_pkey', columns: ['c05'] } });
    const narrow = tbl('app', 'narrow', [col('x', 'int'), col('y', 'int')]);
    const model = modelOf([t, narrow]);
    const marks = diffMarks(model, model, diffOf([
      change('column', 'changed', 'app.wide', 'c38', { attributes: ['type'] }),
      change('column', 'changed', 'app.narrow', 'y', { attributes: ['type'] }),
    ]));
    const graph = schemaToGraph(marks.model);
    const out = surfaceMarkedColumns(graph, marks);
    const wide = out.nodes.find((n) => n.id === 'app.wide')!;
    expect(wide.columns.slice(0, 3).map((c) => c.name)).toEqual(['c05', 'c38', 'c00']);
    expect(wide.columns).toHaveLength(40);
    expect(out.nodes.find((n) => n.id === 'app.narrow')).toBe(graph.nodes.find((n) => n.id === 'app.narrow'));
    expect(surfaceMarkedColumns(graph, diffMarks(model, model, diffOf([])))).toBe(graph);
  });
});

describe('reserveBadgeRoom', () => {
  it('widens only nodes with marked columns, by padding the marked types (drawn the same)', () => {
    const marks = diffMarks(before, after, diff);
    const graph = schemaToGraph(marks.model);
    const out = reserveBadgeRoom(graph, marks);
    const users = (g: typeof graph) => g.nodes.find((n) => n.id === 'app.users')!;
    expect(nodeSize(users(out), false).width).toBeGreaterThan(nodeSize(users(graph), false).width);
    const email = users(out).columns.find((c) => c.name === 'email')!;
    expect(email.type.trimEnd()).toBe('character varying(320)');
    expect(email.type.length - 'character varying(320)'.length).toBe(Math.ceil(('changed · type, nullable'.length * 6 + 28) / 7.2));
    expect(users(out).columns.find((c) => c.name === 'id')).toBe(users(graph).columns.find((c) => c.name === 'id'));
    expect(out.nodes.find((n) => n.id === 'app.comments')).toBe(graph.nodes.find((n) => n.id === 'app.comments'));
    expect(reserveBadgeRoom(graph, diffMarks(before, after, diffOf([])))).toBe(graph);
  });
});
