import { describe, expect, it } from 'vitest';
import { dbmlName, dbmlString, toDbml } from './export-dbml';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { col, modelOf, platformModel, tbl } from '../../test/erd/test-model';

const GOLDEN = `Project "app" {
  database_type: 'PostgreSQL'
  Note: 'PostgreSQL 18.4'
}

Enum "platform"."user_status" {
  "active"
  "it's off"
}

Table "platform"."café \\"menu\\" items" {
  "id" integer [pk, not null]
  "prix €" numeric(12,2) [note: 'Price | incl. "tax"']
  "tags" "text[]"

  Note: 'Names that need <quoting>.'
}

Table "platform"."folders" {
  "org_id" bigint [not null]
  "id" bigint [not null]
  "parent_id" bigint

  indexes {
    ("org_id", "id") [pk, name: 'folders_pkey']
  }
}

Table "platform"."organizations" {
  "id" bigint [pk, increment, not null]
  "name" text [not null, note: 'Legal name']

  Note: 'Tenants.'
}

Table "platform"."usage_events" {
  "user_id" uuid
  "occurred_at" "timestamp with time zone" [not null]

  Note: 'Partitioned by RANGE (occurred_at); 2 partitions.'
}

Table "platform"."user_profiles" {
  "user_id" uuid [pk, not null]
  "bio" text
}

Table "platform"."users" {
  "id" uuid [pk, not null, default: \`gen_random_uuid()\`]
  "org_id" bigint [not null]
  "email" "character varying(255)" [not null, unique]
  "status" "platform"."user_status" [not null, default: 'active']

  indexes {
    "org_id" [unique, name: 'users_active_org_idx', note: 'where (status = \\'active\\'::platform.user_status)']
  }

  checks {
    \`(email ~~ '%@%'::text)\` [name: 'users_email_check']
  }
}

Ref "folders_parent_fkey": "platform"."folders".("org_id", "parent_id") > "platform"."folders".("org_id", "id")
Ref "usage_events_user_id_fkey": "platform"."usage_events"."user_id" > "platform"."users"."id"
Ref "user_profiles_user_id_fkey": "platform"."users"."id" - "platform"."user_profiles"."user_id"
Ref "users_org_id_fkey": "platform"."users"."org_id" > "platform"."organizations"."id" [delete: cascade]

// Views (DBML has no views; listed for reference):
// "platform"."active_users"
`;

describe('toDbml', () => {
  it('renders the golden DBML: quoted names, composite and one-to-one refs, enums, indexes, checks', () => {
    expect(toDbml(platformModel())).toBe(GOLDEN);
  });

  it('escapes names and strings the way DBML\'s lexer reads them', () => {
    expect(dbmlName('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
    expect(dbmlName("it's")).toBe('"it\'s"');
    expect(dbmlString("it's \"x\"")).toBe("'it\\'s \"x\"'");
  });

  it('maps defaults: numbers and booleans raw, literals as strings, the rest as expressions', () => {
    const table = tbl('s', 't', [
      col('a', 'integer', { default: '42' }),
      col('b', 'boolean', { default: 'true' }),
      col('c', 'text', { default: "'it''s'::text" }),
      col('d', 'timestamp with time zone', { default: 'now()' }),
      col('e', 'text', { default: "'a'::text || 'b'::text" }),
      col('f', 'text', { default: 'md5(`x`)' }),
    ]);
    const lines = toDbml(modelOf([table])).split('\n').filter((line) => line.startsWith('  "'));
    expect(lines).toEqual([
      '  "a" integer [default: 42]',
      '  "b" boolean [default: true]',
      "  \"c\" text [default: 'it\\'s']",
      '  "d" "timestamp with time zone" [default: `now()`]',
      "  \"e\" text [default: `'a'::text || 'b'::text`]",
      '  "f" text [default: `md5(\u02cbx\u02cb)`]',
    ]);
  });

  it('gives duplicate constraint names a qualified ref name (DBML ref names are global)', () => {
    const parent = tbl('s', 'p', [col('id', 'int', { nullable: false })], { primaryKey: { name: 'p_pkey', columns: ['id'] } });
    const child = (name: string) =>
      tbl('s', name, [col('p_id', 'int')], {
        foreignKeys: [{ ...platformModel().tables.find((t) => t.name === 'users')!.foreignKeys[0], name: 'fk_parent', columns: ['p_id'], references: { table: 's.p', columns: ['id'] }, onDelete: 'no action' }],
      });
    const refs = toDbml(modelOf([parent, child('a'), child('b')])).split('\n').filter((line) => line.startsWith('Ref'));
    expect(refs).toEqual(['Ref "s.a.fk_parent": "s"."a"."p_id" > "s"."p"."id"', 'Ref "s.b.fk_parent": "s"."b"."p_id" > "s"."p"."id"']);
  });

  it('is deterministic on a 2,000-table model and declares every table once', () => {
    const text = toDbml(syntheticModel({ tables: 2000, seed: 9 }));
    expect(toDbml(syntheticModel({ tables: 2000, seed: 9 }))).toBe(text);
    expect(text.match(/^Table /gm)).toHaveLength(2000);
  });
});
