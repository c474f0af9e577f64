import { describe, expect, it } from 'vitest';
import { col, fk, idx, modelOf, tbl } from '../../test/erd/test-model';
import type { SchemaModel, Table } from '../introspect/schema-model';
import { diffSchemas } from './schema-diff';
import type { DiffChange } from './types';

const FILES = 'files.project_files';

/** files.projects ← files.project_files, an enum, a view: the "before" of every test. */
function baseModel(): SchemaModel {
  const projects = tbl('files', 'projects', [col('id', 'bigint', { nullable: false }), col('title', 'text')], {
    primaryKey: { name: 'projects_pkey', columns: ['id'] },
    indexes: [idx('projects_pkey', ['id'], { unique: true, primary: true, constraint: 'projects_pkey' })],
  });
  const projectFiles = tbl('files', 'project_files', [
    col('id', 'bigint', { nullable: false, identity: 'always' }),
    col('project_id', 'bigint', { nullable: false }),
    col('name', 'character varying(255)', { nullable: false }),
    col('size_bytes', 'bigint', { nullable: false, default: '0' }),
    col('note', 'text'),
    col('kind', 'files.file_kind', { enumType: 'files.file_kind' }),
  ], {
    primaryKey: { name: 'project_files_pkey', columns: ['id'] },
    foreignKeys: [fk('project_files_project_fkey', ['project_id'], 'files.projects', ['id'])],
    uniqueConstraints: [{ name: 'project_files_name_key', columns: ['project_id', 'name'], nullsNotDistinct: false, deferrable: false }],
    checkConstraints: [{ name: 'project_files_size_check', definition: 'CHECK ((size_bytes >= 0))', validated: true }],
    indexes: [
      idx('project_files_pkey', ['id'], { unique: true, primary: true, constraint: 'project_files_pkey' }),
      idx('project_files_name_key', ['project_id', 'name'], { unique: true, constraint: 'project_files_name_key' }),
      idx('project_files_size_idx', ['size_bytes'], { definition: 'CREATE INDEX project_files_size_idx ON files.project_files USING btree (size_bytes)' }),
    ],
  });
  return modelOf([projects, projectFiles], {
    enums: [{ id: 'files.file_kind', schema: 'files', name: 'file_kind', values: ['image', 'pdf', 'other'], comment: null }],
    views: [{
      id: 'files.big_files', schema: 'files', name: 'big_files', materialized: false,
      definition: ' SELECT id\n   FROM files.project_files\n  WHERE size_bytes > 1000;',
      columns: [{ name: 'id', type: 'bigint' }], comment: null, indexes: [],
    }],
  });
}

function edit(model: SchemaModel, change: (model: SchemaModel, table: (id: string) => Table) => void): SchemaModel {
  const copy = structuredClone(model);
  change(copy, (id) => copy.tables.find((t) => t.id === id)!);
  return copy;
}

const brief = (changes: DiffChange[]) => changes.map((c) => [c.kind, c.action, c.table, c.name, c.attributes.join(',')].join(' '));
const risky = (changes: DiffChange[]) => changes.flatMap((c) => c.risks.map((r) => `${r.kind} ${r.severity}: ${r.message}`));

describe('diffSchemas', () => {
  it('finds nothing between a model and itself, whatever the introspection time', () => {
    const before = baseModel();
    const after = edit(before, (m) => { m.introspectedAt = '2030-01-01T00:00:00.000Z'; });
    expect(diffSchemas(before, after)).toEqual({ changes: [], summary: { added: 0, removed: 0, changed: 0 }, risks: [] });
  });

  it('reports an added or removed table as one change summarising its columns, never its parts', () => {
    const before = baseModel();
    const after = edit(before, (m) => {
      m.tables = m.tables.filter((t) => t.id !== FILES);
      m.tables.push(tbl('files', 'tags', [col('id', 'integer'), col('label', 'text')], { indexes: [idx('tags_label_idx', ['label'])] }));
    });
    const diff = diffSchemas(before, after, { rowCounts: { [FILES]: 1204 } });
    expect(diff.changes).toEqual([
      { kind: 'table', action: 'removed', table: FILES, name: FILES, attributes: [], before: 'TABLE files.project_files (6 columns)', after: null,
        risks: [{ kind: 'data_loss', severity: 'high', message: 'Drops table files.project_files (1,204 rows)', table: FILES }] },
      { kind: 'table', action: 'added', table: 'files.tags', name: 'files.tags', attributes: [], before: null, after: 'TABLE files.tags (2 columns)', risks: [] },
    ]);
    expect(diff.summary).toEqual({ added: 1, removed: 1, changed: 0 });
  });

  it('rates a dropped table by its rows: unknown is high, known empty is low', () => {
    const before = baseModel();
    const after = edit(before, (m) => { m.tables = m.tables.filter((t) => t.id !== FILES); });
    expect(risky(diffSchemas(before, after).changes)).toEqual(['data_loss high: Drops table files.project_files (row count unknown)']);
    expect(risky(diffSchemas(before, after, { rowCounts: { [FILES]: 0 } }).changes)).toEqual([
      'data_loss low: Drops table files.project_files (no rows)',
    ]);
  });

  it('reports table attributes: persistence (a rewrite), row level security, partitioning', () => {
    const before = baseModel();
    const after = edit(before, (_m, t) => {
      Object.assign(t(FILES), { persistence: 'unlogged', rlsEnabled: true });
      Object.assign(t('files.projects'), { kind: 'partitioned', partitionKey: 'HASH (id)' });
    });
    const changes = diffSchemas(before, after, { rowCounts: { [FILES]: 2_000_000 } }).changes;
    expect(brief(changes)).toEqual(['table changed files.project_files files.project_files persistence,rls', 'table changed files.projects files.projects kind,partitioning']);
    expect(changes[0].after).toBe('UNLOGGED TABLE files.project_files (6 columns) ROW LEVEL SECURITY');
    expect(changes[1].after).toBe('TABLE files.projects (2 columns) PARTITION BY HASH (id)');
    expect(risky(changes)).toEqual(['table_rewrite high: Rewrites files.project_files to make it unlogged (2,000,000 rows)']);
  });

  it('reports columns added, removed and changed with one-line DDL fragments', () => {
    const before = baseModel();
    const after = edit(before, (_m, t) => {
      const table = t(FILES);
      table.columns = table.columns.filter((c) => c.name !== 'note');
      table.columns.push(col('checksum', 'text', { collation: 'C' }), col('seq', 'integer', { nullable: false, identity: 'by default' }));
      const size = table.columns.find((c) => c.name === 'size_bytes')!;
      Object.assign(size, { default: null, generated: 'length(name)' });
      table.columns.find((c) => c.name === 'name')!.collation = 'en-x-icu';
    });
    const changes = diffSchemas(before, after, { rowCounts: { [FILES]: 1204 } }).changes;
    expect(changes.map((c) => [c.action, c.name, c.attributes, c.before, c.after])).toEqual([
      ['added', 'checksum', [], null, 'checksum text COLLATE "C"'],
      ['changed', 'name', ['collation'], 'name character varying(255) NOT NULL', 'name character varying(255) COLLATE "en-x-icu" NOT NULL'],
      ['removed', 'note', [], 'note text', null],
      ['added', 'seq', [], null, 'seq integer GENERATED BY DEFAULT AS IDENTITY NOT NULL'],
      ['changed', 'size_bytes', ['default', 'generated'], 'size_bytes bigint NOT NULL DEFAULT 0', 'size_bytes bigint GENERATED ALWAYS AS (length(name)) NOT NULL'],
    ]);
    // A NOT NULL identity column fills existing rows itself: no risk. The dropped column is.
    expect(risky(changes)).toEqual(['data_loss high: Drops column files.project_files.note (1,204 rows)']);
  });

  describe('type changes', () => {
    const retype = (column: string, type: string) =>
      edit(baseModel(), (_m, t) => { t(FILES).columns.find((c) => c.name === column)!.type = type; });

    it('flags a narrowing as data loss and a rewrite', () => {
      const changes = diffSchemas(baseModel(), retype('name', 'character varying(50)'), { rowCounts: { [FILES]: 1204 } }).changes;
      expect(risky(changes)).toEqual([
        'data_loss high: Changes files.project_files.name from character varying(255) to character varying(50): values longer than 50 fail to convert (1,204 rows)',
        'table_rewrite medium: Rewrites files.project_files to change name from character varying(255) to character varying(50) (1,204 rows)',
      ]);
      expect(changes[0].attributes).toEqual(['type']);
    });

    it('rates a rewrite by size: medium, high from a million rows, low when empty', () => {
      const after = retype('project_id', 'numeric');
      const severities = (rows?: number) =>
        diffSchemas(baseModel(), after, rows === undefined ? {} : { rowCounts: { [FILES]: rows } }).risks.map((r) => `${r.kind} ${r.severity}`);
      expect(severities()).toEqual(['table_rewrite medium']);
      expect(severities(999_999)).toEqual(['table_rewrite medium']);
      expect(severities(1_000_000)).toEqual(['table_rewrite high']);
      expect(severities(0)).toEqual(['table_rewrite low']);
    });

    it('lets binary-coercible widenings through without risk', () => {
      expect(diffSchemas(baseModel(), retype('name', 'text')).risks).toEqual([]);
      expect(diffSchemas(baseModel(), retype('name', 'character varying(500)')).risks).toEqual([]);
    });

    it('counts a narrowing on an empty table as low', () => {
      const risks = diffSchemas(baseModel(), retype('size_bytes', 'integer'), { rowCounts: { [FILES]: 0 } }).risks;
      expect(risks.map((r) => `${r.kind} ${r.severity}`)).toEqual(['data_loss low', 'table_rewrite low']);
    });
  });

  describe('NOT NULL on rows', () => {
    const setNotNull = edit(baseModel(), (_m, t) => { t(FILES).columns.find((c) => c.name === 'note')!.nullable = false; });
    const addRequired = (overrides = {}) =>
      edit(baseModel(), (_m, t) => { t(FILES).columns.push(col('owner', 'text', { nullable: false, ...overrides })); });

    it('is high with known rows, medium with unknown, absent when empty', () => {
      expect(risky(diffSchemas(baseModel(), setNotNull, { rowCounts: { [FILES]: 5 } }).changes)).toEqual([
        'not_null_on_rows high: Sets files.project_files.note NOT NULL: scans every row under ACCESS EXCLUSIVE and fails on any null (5 rows)',
      ]);
      expect(diffSchemas(baseModel(), setNotNull).risks.map((r) => r.severity)).toEqual(['medium']);
      expect(diffSchemas(baseModel(), setNotNull, { rowCounts: { [FILES]: 0 } }).risks).toEqual([]);
    });

    it('flags a NOT NULL column added without a default, not one with a default or generated', () => {
      expect(risky(diffSchemas(baseModel(), addRequired(), { rowCounts: { [FILES]: 1 } }).changes)).toEqual([
        'not_null_on_rows high: Adds NOT NULL column files.project_files.owner without a default: fails if the table has rows (1 row)',
      ]);
      expect(diffSchemas(baseModel(), addRequired({ default: "'nobody'::text" })).risks).toEqual([]);
      expect(diffSchemas(baseModel(), addRequired({ generated: 'upper(name)' })).risks).toEqual([]);
    });
  });

  it('reports a primary key change as one change, renamed or re-keyed', () => {
    const after = edit(baseModel(), (_m, t) => {
      t(FILES).primaryKey = { name: 'project_files_id_pk', columns: ['project_id', 'id'] };
      t('files.projects').primaryKey = null;
      t('files.projects').indexes = [];
    });
    const changes = diffSchemas(baseModel(), after).changes;
    expect(changes.map((c) => [c.action, c.table, c.name, c.attributes, c.before, c.after])).toEqual([
      ['changed', FILES, 'project_files_id_pk', ['name', 'columns'], 'CONSTRAINT project_files_pkey PRIMARY KEY (id)',
        'CONSTRAINT project_files_id_pk PRIMARY KEY (project_id, id)'],
      ['removed', 'files.projects', 'projects_pkey', [], 'CONSTRAINT projects_pkey PRIMARY KEY (id)', null],
    ]);
  });

  describe('foreign keys and checks', () => {
    const ownerFk = (validated: boolean) => fk('project_files_owner_fkey', ['project_id'], 'files.projects', ['id'], {
      validated,
      definition: `FOREIGN KEY (project_id) REFERENCES files.projects(id)${validated ? '' : ' NOT VALID'}`,
    });

    it('flags validated FKs and CHECKs added to a table with rows, not NOT VALID ones', () => {
      const after = edit(baseModel(), (_m, t) => {
        t(FILES).foreignKeys.push(ownerFk(true));
        t(FILES).checkConstraints.push(
          { name: 'project_files_name_check', definition: "CHECK (((name)::text <> ''::text))", validated: true },
          { name: 'project_files_note_check', definition: 'CHECK ((note IS NOT NULL)) NOT VALID', validated: false },
        );
      });
      const diff = diffSchemas(baseModel(), after, { rowCounts: { [FILES]: 1204 } });
      expect(brief(diff.changes)).toEqual([
        `foreign_key added ${FILES} project_files_owner_fkey `,
        `check added ${FILES} project_files_name_check `,
        `check added ${FILES} project_files_note_check `,
      ]);
      expect(diff.changes[0].after).toBe('FOREIGN KEY (project_id) REFERENCES files.projects(id)');
      expect(risky(diff.changes)).toEqual([
        'validation_scan medium: Adds FOREIGN KEY project_files_owner_fkey on files.project_files, validated against existing rows while writes wait; add it NOT VALID and VALIDATE it separately (1,204 rows)',
        'validation_scan medium: Adds CHECK project_files_name_check on files.project_files, validated against existing rows while writes wait; add it NOT VALID and VALIDATE it separately (1,204 rows)',
      ]);
      expect(diffSchemas(baseModel(), after, { rowCounts: { [FILES]: 0 } }).risks).toEqual([]);
    });

    it('does not flag validation on a table created in the same change', () => {
      const after = edit(baseModel(), (m) => {
        m.tables.push(tbl('files', 'shares', [col('file_id', 'bigint')], {
          foreignKeys: [fk('shares_file_fkey', ['file_id'], FILES, ['id'])],
          checkConstraints: [{ name: 'shares_check', definition: 'CHECK ((file_id > 0))', validated: true }],
        }));
      });
      expect(diffSchemas(baseModel(), after).risks).toEqual([]);
    });

    it('compares by name: a changed definition, and VALIDATE CONSTRAINT (a non-blocking scan, no risk)', () => {
      const before = edit(baseModel(), (_m, t) => { t(FILES).foreignKeys.push(ownerFk(false)); });
      const after = edit(before, (_m, t) => {
        t(FILES).foreignKeys[1] = ownerFk(true);
        t(FILES).foreignKeys[0].definition += ' ON DELETE CASCADE';
        t(FILES).checkConstraints[0].definition = 'CHECK ((size_bytes > 0))';
      });
      const diff = diffSchemas(before, after, { rowCounts: { [FILES]: 10 } });
      expect(brief(diff.changes)).toEqual([
        `foreign_key changed ${FILES} project_files_owner_fkey validated`,
        `foreign_key changed ${FILES} project_files_project_fkey definition`,
        `check changed ${FILES} project_files_size_check definition`,
      ]);
      expect(diff.risks.map((r) => r.message.split(' on ')[0])).toEqual([
        'Adds FOREIGN KEY project_files_project_fkey',
        'Adds CHECK project_files_size_check',
      ]);
    });
  });

  it('reports unique constraints as constraints, and indexes by name without the constraint-backed ones', () => {
    const after = edit(baseModel(), (_m, t) => {
      const table = t(FILES);
      table.uniqueConstraints = [{ name: 'project_files_name_key', columns: ['project_id', 'name'], nullsNotDistinct: true, deferrable: false }];
      table.uniqueConstraints.push({ name: 'project_files_id_name_key', columns: ['id', 'name'], nullsNotDistinct: false, deferrable: true });
      table.indexes.push(idx('project_files_id_name_key', ['id', 'name'], { unique: true, constraint: 'project_files_id_name_key' }));
      table.indexes = table.indexes.filter((i) => i.name !== 'project_files_size_idx');
      table.indexes.push(idx('project_files_note_idx', ['note'], { definition: 'CREATE INDEX project_files_note_idx ON files.project_files USING gin (note)' }));
      t('files.projects').indexes.push(idx('projects_title_idx', ['title'], { definition: 'CREATE INDEX projects_title_idx ON files.projects USING btree (title)' }));
    });
    const changes = diffSchemas(baseModel(), after).changes;
    expect(changes.map((c) => [c.kind, c.action, c.name, c.attributes, c.before ?? c.after])).toEqual([
      ['unique', 'added', 'project_files_id_name_key', [], 'UNIQUE (id, name) DEFERRABLE'],
      ['unique', 'changed', 'project_files_name_key', ['nullsNotDistinct'], 'UNIQUE (project_id, name)'],
      ['index', 'added', 'project_files_note_idx', [], 'CREATE INDEX project_files_note_idx ON files.project_files USING gin (note)'],
      ['index', 'removed', 'project_files_size_idx', [], 'CREATE INDEX project_files_size_idx ON files.project_files USING btree (size_bytes)'],
      ['index', 'added', 'projects_title_idx', [], 'CREATE INDEX projects_title_idx ON files.projects USING btree (title)'],
    ]);
    expect(changes[1].after).toBe('UNIQUE NULLS NOT DISTINCT (project_id, name)');
  });

  it('reports an index whose definition or validity changed', () => {
    const after = edit(baseModel(), (_m, t) => {
      const index = t(FILES).indexes.find((i) => i.name === 'project_files_size_idx')!;
      index.definition = index.definition.replace('(size_bytes)', '(size_bytes DESC)');
      index.valid = false;
    });
    expect(brief(diffSchemas(baseModel(), after).changes)).toEqual([`index changed ${FILES} project_files_size_idx definition,valid`]);
  });

  describe('enums', () => {
    it('flags removed values as data loss rated by the tables using the type; added values are safe', () => {
      const after = edit(baseModel(), (m) => { m.enums[0].values = ['image', 'other', 'video']; });
      const diff = diffSchemas(baseModel(), after, { rowCounts: { [FILES]: 3 } });
      expect(diff.changes).toEqual([{
        kind: 'enum', action: 'changed', table: 'files.file_kind', name: 'files.file_kind', attributes: ['values'],
        before: "ENUM files.file_kind ('image', 'pdf', 'other')", after: "ENUM files.file_kind ('image', 'other', 'video')",
        risks: [{ kind: 'data_loss', severity: 'high', table: null,
          message: "Removes value 'pdf' from enum files.file_kind used by files.project_files.kind (3 rows)" }],
      }]);
      expect(diffSchemas(baseModel(), after, { rowCounts: { [FILES]: 0 } }).risks.map((r) => r.severity)).toEqual(['low']);
    });

    it('reports added and removed enums without risk of their own', () => {
      const after = edit(baseModel(), (m) => {
        m.enums = [{ id: 'files.a_mood', schema: 'files', name: 'a_mood', values: ['ok'], comment: null }];
      });
      expect(brief(diffSchemas(baseModel(), after).changes)).toEqual(['enum added files.a_mood files.a_mood ', 'enum removed files.file_kind files.file_kind ']);
      expect(diffSchemas(baseModel(), after).risks).toEqual([]);
    });
  });

  describe('views', () => {
    it('reports definition, columns and materialization changes, ignoring layout whitespace', () => {
      const after = edit(baseModel(), (m) => {
        m.views[0].definition = ' SELECT id, name\n FROM files.project_files WHERE size_bytes > 1000;';
        m.views[0].columns.push({ name: 'name', type: 'character varying(255)' });
      });
      const changes = diffSchemas(baseModel(), after).changes;
      expect(changes.map((c) => [c.action, c.attributes, c.before, c.after])).toEqual([[
        'changed', ['definition', 'columns'],
        'VIEW files.big_files AS SELECT id FROM files.project_files WHERE size_bytes > 1000;',
        'VIEW files.big_files AS SELECT id, name FROM files.project_files WHERE size_bytes > 1000;',
      ]]);
      const relaidOut = edit(baseModel(), (m) => { m.views[0].definition = 'SELECT id FROM files.project_files WHERE size_bytes > 1000;'; });
      expect(diffSchemas(baseModel(), relaidOut).changes).toEqual([]);
    });

    it('reports a removed view as no risk, and materialized view indexes under the view', () => {
      const after = edit(baseModel(), (m) => {
        m.views = [{
          ...m.views[0], id: 'files.sizes', name: 'sizes', materialized: true,
          indexes: [idx('sizes_id_idx', ['id'], { definition: 'CREATE INDEX sizes_id_idx ON files.sizes USING btree (id)' })],
        }];
      });
      const later = edit(after, (m) => { m.views[0].indexes = []; m.views[0].materialized = false; });
      expect(brief(diffSchemas(baseModel(), after).changes)).toEqual(['view removed files.big_files files.big_files ', 'view added files.sizes files.sizes ']);
      expect(diffSchemas(baseModel(), after).changes[1].after).toMatch(/^MATERIALIZED VIEW files\.sizes AS SELECT id/);
      expect(diffSchemas(baseModel(), after).risks).toEqual([]);
      expect(brief(diffSchemas(after, later).changes)).toEqual(['view changed files.sizes files.sizes materialized', 'index removed files.sizes sizes_id_idx ']);
    });
  });

  it("leaves out Strata's, drizzle's, backup and shadow schemas", () => {
    const after = edit(baseModel(), (m) => {
      for (const schema of ['strata', 'drizzle', 'strata_backup_20260101', 'strata_shadow_1', 'strata_shadow']) {
        m.schemas.push({ name: schema, bookkeeping: schema === 'strata' || schema === 'drizzle', comment: null, owner: 'app' });
        m.tables.push(tbl(schema, 'things', [col('id', 'integer')]));
        m.views.push({ ...m.views[0], id: `${schema}.v`, schema, name: 'v' });
        m.enums.push({ ...m.enums[0], id: `${schema}.e`, schema, name: 'e' });
      }
    });
    expect(diffSchemas(baseModel(), after).changes).toEqual([]);
    expect(diffSchemas(after, baseModel()).changes).toEqual([]);
    // Their owner or comment changing is not the user's change either.
    const renamed = edit(after, (m) => { for (const schema of m.schemas) if (schema.name !== 'files') schema.owner = 'someone_else'; });
    expect(diffSchemas(after, renamed).changes).toEqual([]);
  });

  describe('schemas and extensions', () => {
    const pgTrgm = { name: 'pg_trgm', version: '1.6', schema: 'public' };
    const withExtensions = (model: SchemaModel, extensions: SchemaModel['extensions']) => edit(model, (m) => { m.extensions = extensions; });

    it('reports a schema added or removed, with no risk of its own: its tables carry theirs', () => {
      const after = edit(baseModel(), (m) => {
        m.schemas.push({ name: 'archive', bookkeeping: false, comment: 'Old rows', owner: 'app' });
        m.tables.push(tbl('archive', 'old_files', [col('id', 'integer')]));
      });
      const added = diffSchemas(baseModel(), after);
      expect(added.changes[0]).toEqual({
        kind: 'schema', action: 'added', table: null, name: 'archive', attributes: [],
        before: null, after: "SCHEMA archive (comment 'Old rows')", risks: [],
      });
      expect(brief(added.changes)).toEqual(['schema added  archive ', 'table added archive.old_files archive.old_files ']);
      const removed = diffSchemas(after, baseModel());
      expect(brief(removed.changes)).toEqual(['schema removed  archive ', 'table removed archive.old_files archive.old_files ']);
      expect(removed.risks.map((r) => r.message)).toEqual(['Drops table archive.old_files (row count unknown)']);
      expect(removed.summary).toEqual({ added: 0, removed: 2, changed: 0 });
    });

    it('reports a schema whose comment changed, but not its owner (a shadow replay runs as another role)', () => {
      const after = edit(baseModel(), (m) => { m.schemas[0].comment = 'Project files'; m.schemas[0].owner = 'files_owner'; });
      expect(diffSchemas(baseModel(), after).changes).toEqual([{
        kind: 'schema', action: 'changed', table: null, name: 'files', attributes: ['comment'],
        before: 'SCHEMA files', after: "SCHEMA files (comment 'Project files')", risks: [],
      }]);
      const ownerOnly = edit(baseModel(), (m) => { m.schemas[0].owner = 'files_owner'; });
      expect(diffSchemas(baseModel(), ownerOnly).changes).toEqual([]);
    });

    it('reports extensions added, updated or moved, and flags a removed one as data loss', () => {
      const before = withExtensions(baseModel(), [pgTrgm, { name: 'plpgsql', version: '1.0', schema: 'pg_catalog' }]);
      const after = withExtensions(baseModel(), [
        { name: 'plpgsql', version: '1.0', schema: 'pg_catalog' },
        { name: 'btree_gist', version: '1.7', schema: 'public' },
      ]);
      const diff = diffSchemas(before, after);
      expect(diff.changes).toEqual([
        { kind: 'extension', action: 'added', table: null, name: 'btree_gist', attributes: [], before: null, after: 'EXTENSION btree_gist 1.7 (schema public)', risks: [] },
        {
          kind: 'extension', action: 'removed', table: null, name: 'pg_trgm', attributes: [], before: 'EXTENSION pg_trgm 1.6 (schema public)', after: null,
          risks: [{ kind: 'data_loss', severity: 'medium', table: null, message: 'Drops extension pg_trgm: objects that depend on it are dropped too' }],
        },
      ]);
      const updated = withExtensions(baseModel(), [{ ...pgTrgm, version: '1.7', schema: 'extensions' }]);
      expect(diffSchemas(before, updated).changes.filter((c) => c.action === 'changed')).toEqual([{
        kind: 'extension', action: 'changed', table: null, name: 'pg_trgm', attributes: ['version', 'schema'],
        before: 'EXTENSION pg_trgm 1.6 (schema public)', after: 'EXTENSION pg_trgm 1.7 (schema extensions)', risks: [],
      }]);
    });

    it('lists schemas, then extensions, each by name, before everything that belongs to a table', () => {
      const before = withExtensions(baseModel(), [pgTrgm]);
      const after = edit(baseModel(), (m, t) => {
        m.schemas = [{ name: 'zeta', bookkeeping: false, comment: null, owner: 'app' }, { name: 'alpha', bookkeeping: false, comment: null, owner: 'app' }];
        m.extensions = [{ name: 'pgcrypto', version: '1.3', schema: 'public' }, { name: 'btree_gist', version: '1.7', schema: 'public' }];
        m.tables.push(tbl('alpha', 'a', [col('id', 'integer')]));
        t(FILES).columns.push(col('extra', 'text'));
      });
      const diff = diffSchemas(before, after);
      expect(diff.changes.map((c) => `${c.kind} ${c.action} ${c.name}`)).toEqual([
        'schema added alpha',
        'schema removed files',
        'schema added zeta',
        'extension added btree_gist',
        'extension removed pg_trgm',
        'extension added pgcrypto',
        'table added alpha.a',
        'column added extra',
      ]);
      expect(diff.risks.map((r) => `${r.kind} ${r.severity}`)).toEqual(['data_loss medium']);
    });
  });

  it('sorts by table, kind, name; counts actions; lists risks highest first in change order', () => {
    const after = edit(baseModel(), (m, t) => {
      t(FILES).columns = t(FILES).columns.filter((c) => c.name !== 'note');
      t(FILES).columns.find((c) => c.name === 'project_id')!.type = 'numeric';
      t(FILES).indexes.push(idx('a_first_idx', ['name']));
      t('files.projects').columns.push(col('archived', 'boolean', { nullable: false }));
      m.tables.push(tbl('archive', 'old_files', [col('id', 'integer')]));
      m.enums[0].values.push('video');
    });
    const diff = diffSchemas(baseModel(), after);
    expect(brief(diff.changes)).toEqual([
      'table added archive.old_files archive.old_files ',
      'enum changed files.file_kind files.file_kind values',
      `column removed ${FILES} note `,
      `column changed ${FILES} project_id type`,
      `index added ${FILES} a_first_idx `,
      'column added files.projects archived ',
    ]);
    expect(diff.summary).toEqual({ added: 3, removed: 1, changed: 2 });
    expect(diff.risks.map((r) => `${r.kind} ${r.severity} ${r.table}`)).toEqual([
      `data_loss high ${FILES}`,
      `table_rewrite medium ${FILES}`,
      'not_null_on_rows medium files.projects',
    ]);
  });

  describe('partitions', () => {
    /** A partitioned table with two partitions that repeat its columns, FK and index. */
    function partitioned(): SchemaModel {
      const events = (name: string, overrides: Partial<Table>) =>
        tbl('app', name, [col('id', 'bigint', { nullable: false }), col('at', 'timestamp with time zone', { nullable: false })], overrides);
      const parentIndex = idx('events_at_idx', ['at'], { partitioned: true });
      const partition = (suffix: string) => events(`events_${suffix}`, {
        kind: 'partition', partitionOf: 'app.events', partitionBound: `FOR VALUES IN (${suffix})`,
        foreignKeys: [fk(`events_${suffix}_id_fkey`, ['id'], 'app.things', ['id'], { inherited: true })],
        checkConstraints: [{ name: 'events_id_check', definition: 'CHECK ((id > 0))', validated: true }],
        indexes: [idx(`events_${suffix}_at_idx`, ['at'], { partitioned: true })],
      });
      return modelOf([
        events('events', {
          kind: 'partitioned', partitionKey: 'LIST (id)', partitions: ['app.events_1', 'app.events_2'],
          foreignKeys: [fk('events_id_fkey', ['id'], 'app.things', ['id'])],
          checkConstraints: [{ name: 'events_id_check', definition: 'CHECK ((id > 0))', validated: true }],
          indexes: [parentIndex], rowEstimate: null,
        }),
        partition('1'),
        partition('2'),
        tbl('app', 'things', [col('id', 'bigint', { nullable: false })]),
      ]);
    }

    it("reports what a partitioned table's partitions repeat once, on the parent", () => {
      const after = edit(partitioned(), (m) => {
        for (const table of m.tables.filter((t) => t.id.startsWith('app.events'))) {
          table.columns.push(col('payload', 'jsonb', { nullable: false }));
          table.columns[0].type = 'integer';
          table.checkConstraints.push({ name: 'events_at_check', definition: "CHECK ((at > '2020-01-01'::timestamptz))", validated: true });
          const suffix = table.name.replace('events', '');
          table.indexes.push(idx(`events${suffix}_payload_idx`, ['payload'], { partitioned: true }));
          table.foreignKeys.push(fk(`events${suffix}_at_fkey`, ['at'], 'app.things', ['id'], { inherited: table.kind === 'partition' }));
        }
        // A partition's own index is its own business.
        m.tables.find((t) => t.id === 'app.events_2')!.indexes.push(idx('events_2_local_idx', ['id']));
      });
      const diff = diffSchemas(partitioned(), after, { rowCounts: { 'app.events_1': 10, 'app.events_2': 20 } });
      expect(brief(diff.changes)).toEqual([
        'column changed app.events id type',
        'column added app.events payload ',
        'foreign_key added app.events events_at_fkey ',
        'check added app.events events_at_check ',
        'index added app.events events_payload_idx ',
        'index added app.events_2 events_2_local_idx ',
      ]);
      // The parent's rows are its partitions' rows.
      expect(diff.risks.map((r) => r.message.replace(/.* \(/, '('))).toEqual(['(30 rows)', '(30 rows)', '(30 rows)', '(30 rows)', '(30 rows)']);
    });

    it('treats the parent as unknown when a partition count is missing', () => {
      const after = edit(partitioned(), (m) => { m.tables = m.tables.filter((t) => t.id !== 'app.events' && !t.partitionOf); });
      const diff = diffSchemas(partitioned(), after, { rowCounts: { 'app.events_1': 10 } });
      expect(diff.risks.map((r) => r.message)).toEqual([
        'Drops table app.events (row count unknown)',
        'Drops table app.events_1 (10 rows)',
        'Drops table app.events_2 (row count unknown)',
      ]);
    });
  });
});
