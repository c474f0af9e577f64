import type {
  Column,
  ForeignKey,
  Index,
  SchemaModel,
  Table,
} from '../../lib/introspect/schema-model';

/*
 * Hand-built SchemaModels for the ERD tests: small enough to read, awkward enough to matter
 * (quotes, spaces, unicode, a self-referencing composite FK, partitions, bookkeeping).
 */

/** A column with the usual defaults; override what the test cares about. */
export function col(name: string, type: string, overrides: Partial<Column> = {}): Column {
  return {
    name,
    position: 0,
    type,
    nullable: true,
    default: null,
    identity: null,
    generated: null,
    comment: null,
    collation: null,
    enumType: null,
    ...overrides,
  };
}

/** A foreign key referencing `table(columns)`; no action on delete/update unless overridden. */
export function fk(name: string, columns: string[], table: string, referenced: string[], overrides: Partial<ForeignKey> = {}): ForeignKey {
  return {
    name,
    columns,
    references: { table, columns: referenced },
    onDelete: 'no action',
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    validated: true,
    inherited: false,
    definition: `FOREIGN KEY (${columns.join(', ')}) REFERENCES ${table}(${referenced.join(', ')})`,
    ...overrides,
  };
}

/** A btree index on plain columns. */
export function idx(name: string, columns: string[], overrides: Partial<Index> = {}): Index {
  return {
    name,
    method: 'btree',
    unique: false,
    primary: false,
    constraint: null,
    keys: columns.map((column) => ({ column, expression: null, opclass: null, descending: false, nullsFirst: false })),
    include: [],
    predicate: null,
    valid: true,
    definition: `CREATE INDEX ${name} ON t USING btree (${columns.join(', ')})`,
    partitioned: false,
    ...overrides,
  };
}

/** A table; columns get positions in the order given. */
export function tbl(schema: string, name: string, columns: Column[], overrides: Partial<Table> = {}): Table {
  return {
    id: `${schema}.${name}`,
    schema,
    name,
    kind: 'table',
    partitionOf: null,
    partitionBound: null,
    partitionKey: null,
    partitions: [],
    comment: null,
    columns: columns.map((column, i) => ({ ...column, position: i + 1 })),
    primaryKey: null,
    foreignKeys: [],
    uniqueConstraints: [],
    checkConstraints: [],
    exclusionConstraints: [],
    indexes: [],
    rowEstimate: 0,
    totalBytes: 8192,
    rlsEnabled: false,
    rlsForced: false,
    policies: [],
    persistence: 'permanent',
    ...overrides,
  };
}

/** A model around the given tables. */
export function modelOf(tables: Table[], overrides: Partial<SchemaModel> = {}): SchemaModel {
  const schemas = [...new Set(tables.map((t) => t.schema))].sort();
  return {
    serverVersion: '18.4',
    serverVersionNum: 180004,
    database: 'app',
    introspectedAt: '2026-01-01T00:00:00.000Z',
    schemas: schemas.map((name) => ({ name, bookkeeping: name === 'strata' || name === 'drizzle', comment: null, owner: 'app' })),
    tables,
    views: [],
    enums: [],
    extensions: [],
    inaccessibleSchemas: [],
    ...overrides,
  };
}

/**
 * The shared fixture: organizations ← users ← user_profiles (one-to-one), a folder tree with
 * a self-referencing composite FK, a partitioned usage_events with two partitions (FK clones
 * included), a table whose names need quoting, and a bookkeeping table.
 */
export function platformModel(): SchemaModel {
  const organizations = tbl('platform', 'organizations', [
    col('id', 'bigint', { nullable: false, identity: 'always' }),
    col('name', 'text', { nullable: false, comment: 'Legal name' }),
  ], {
    comment: 'Tenants.',
    primaryKey: { name: 'organizations_pkey', columns: ['id'] },
    indexes: [idx('organizations_pkey', ['id'], { unique: true, primary: true, constraint: 'organizations_pkey' })],
    rowEstimate: 1234567,
  });
  const users = tbl('platform', 'users', [
    col('id', 'uuid', { nullable: false, default: 'gen_random_uuid()' }),
    col('org_id', 'bigint', { nullable: false }),
    col('email', 'character varying(255)', { nullable: false }),
    col('status', 'platform.user_status', { nullable: false, default: "'active'::platform.user_status", enumType: 'platform.user_status' }),
  ], {
    primaryKey: { name: 'users_pkey', columns: ['id'] },
    foreignKeys: [fk('users_org_id_fkey', ['org_id'], 'platform.organizations', ['id'], { onDelete: 'cascade' })],
    uniqueConstraints: [{ name: 'users_email_key', columns: ['email'], nullsNotDistinct: false, deferrable: false }],
    indexes: [
      idx('users_pkey', ['id'], { unique: true, primary: true, constraint: 'users_pkey' }),
      idx('users_email_key', ['email'], { unique: true, constraint: 'users_email_key' }),
      idx('users_active_org_idx', ['org_id'], { unique: true, predicate: "(status = 'active'::platform.user_status)" }),
    ],
    checkConstraints: [{ name: 'users_email_check', definition: "CHECK ((email ~~ '%@%'::text))", validated: true }],
    rowEstimate: null,
  });
  const profiles = tbl('platform', 'user_profiles', [col('user_id', 'uuid', { nullable: false }), col('bio', 'text')], {
    primaryKey: { name: 'user_profiles_pkey', columns: ['user_id'] },
    foreignKeys: [fk('user_profiles_user_id_fkey', ['user_id'], 'platform.users', ['id'])],
  });
  const folders = tbl('platform', 'folders', [
    col('org_id', 'bigint', { nullable: false }),
    col('id', 'bigint', { nullable: false }),
    col('parent_id', 'bigint'),
  ], {
    primaryKey: { name: 'folders_pkey', columns: ['org_id', 'id'] },
    foreignKeys: [fk('folders_parent_fkey', ['org_id', 'parent_id'], 'platform.folders', ['org_id', 'id'])],
  });
  const eventColumns = [col('user_id', 'uuid'), col('occurred_at', 'timestamp with time zone', { nullable: false })];
  const eventsFk = fk('usage_events_user_id_fkey', ['user_id'], 'platform.users', ['id']);
  const partition = (suffix: string, bound: string) =>
    tbl('platform', `usage_events_${suffix}`, eventColumns, {
      kind: 'partition',
      partitionOf: 'platform.usage_events',
      partitionBound: bound,
      foreignKeys: [{ ...eventsFk, name: `usage_events_${suffix}_user_id_fkey`, inherited: true }],
      rowEstimate: 1000,
      totalBytes: 100_000,
    });
  const events = tbl('platform', 'usage_events', eventColumns, {
    kind: 'partitioned',
    partitionKey: 'RANGE (occurred_at)',
    partitions: ['platform.usage_events_2025_01', 'platform.usage_events_2025_02'],
    foreignKeys: [eventsFk],
    rowEstimate: null,
    totalBytes: 0,
  });
  const quirky = tbl('platform', 'café "menu" items', [
    col('id', 'integer', { nullable: false }),
    col('prix €', 'numeric(12,2)', { comment: 'Price | incl. "tax"' }),
    col('tags', 'text[]'),
  ], {
    comment: 'Names that need <quoting>.',
    primaryKey: { name: 'café_pkey', columns: ['id'] },
  });
  const changeLog = tbl('strata', 'change_log', [col('id', 'bigint', { nullable: false }), col('org_id', 'bigint')], {
    foreignKeys: [fk('change_log_org_fkey', ['org_id'], 'platform.organizations', ['id'])],
  });
  return modelOf(
    [
      quirky,
      folders,
      organizations,
      events,
      partition('2025_01', "FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')"),
      partition('2025_02', "FOR VALUES FROM ('2025-02-01') TO ('2025-03-01')"),
      profiles,
      users,
      changeLog,
    ],
    {
      enums: [{ id: 'platform.user_status', schema: 'platform', name: 'user_status', values: ['active', "it's off"], comment: null }],
      views: [{
        id: 'platform.active_users',
        schema: 'platform',
        name: 'active_users',
        materialized: false,
        definition: ' SELECT id FROM platform.users;',
        columns: [{ name: 'id', type: 'uuid' }],
        comment: null,
        indexes: [],
      }],
    },
  );
}

/** Two tables whose names and comments exercise Markdown escaping (backticks, pipes, HTML). */
export function dictionaryModel(): SchemaModel {
  const orgs = tbl('app', 'orgs', [
    col('id', 'bigint', { nullable: false, identity: 'by default' }),
    col('name', 'text', { nullable: false, comment: 'A | B\nsecond line' }),
  ], {
    comment: 'Tenants <b>.',
    primaryKey: { name: 'orgs_pkey', columns: ['id'] },
    rowEstimate: 1500,
  });
  const members = tbl('app', 'org members', [
    col('org_id', 'bigint', { nullable: false }),
    col('user `x`', 'text', { nullable: false, default: "'n/a'::text" }),
  ], {
    primaryKey: { name: 'members_pkey', columns: ['org_id', 'user `x`'] },
    foreignKeys: [fk('members_org_fkey', ['org_id'], 'app.orgs', ['id'], { onDelete: 'cascade' })],
    indexes: [idx('members_user_idx', ['user `x`'], { predicate: '(org_id > 0)' })],
    checkConstraints: [{ name: 'members_user_check', definition: "CHECK ((\"user `x`\" <> ''::text))", validated: true }],
    rowEstimate: null,
  });
  return modelOf([orgs, members], {
    enums: [{ id: 'app.role', schema: 'app', name: 'role', values: ['owner', 'a|b'], comment: 'Roles' }],
    views: [{
      id: 'app.big_orgs',
      schema: 'app',
      name: 'big_orgs',
      materialized: true,
      definition: 'SELECT 1',
      columns: [{ name: 'id', type: 'bigint' }],
      comment: null,
      indexes: [],
    }],
  });
}
