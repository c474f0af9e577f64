import { describe, expect, it } from 'vitest';
import { mermaidType, toMermaid } from './export-mermaid';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { col, fk, modelOf, platformModel, tbl } from '../../test/erd/test-model';

const GOLDEN = `erDiagram
    "platform__caf_menu_items"["platform.café 'menu' items"] {
        integer id PK
        numeric_12_2 prix "prix €: Price | incl. 'tax'"
        text_array tags
    }
    "platform__folders"["platform.folders"] {
        bigint org_id PK, FK
        bigint id PK
        bigint parent_id FK
    }
    "platform__organizations"["platform.organizations"] {
        bigint id PK
        text name "Legal name"
    }
    "platform__usage_events"["platform.usage_events"] {
        uuid user_id FK
        timestamptz occurred_at
    }
    "platform__user_profiles"["platform.user_profiles"] {
        uuid user_id PK, FK
        text bio
    }
    "platform__users"["platform.users"] {
        uuid id PK
        bigint org_id FK
        varchar_255 email UK
        platform_user_status status
    }
    "platform__folders" }o..o| "platform__folders" : "folders_parent_fkey"
    "platform__usage_events" }o..o| "platform__users" : "usage_events_user_id_fkey"
    "platform__user_profiles" |o--|| "platform__users" : "user_profiles_user_id_fkey"
    "platform__users" }o..|| "platform__organizations" : "users_org_id_fkey"
`;

describe('toMermaid', () => {
  it('renders the golden erDiagram: aliased entities, sanitised types, keys, crow\'s feet', () => {
    expect(toMermaid(platformModel())).toBe(GOLDEN);
  });

  it('shortens and sanitises PostgreSQL types', () => {
    expect(mermaidType('character varying(255)')).toBe('varchar_255');
    expect(mermaidType('character(2)')).toBe('char_2');
    expect(mermaidType('numeric(12,2)')).toBe('numeric_12_2');
    expect(mermaidType('timestamp(3) with time zone')).toBe('timestamptz_3');
    expect(mermaidType('timestamp without time zone')).toBe('timestamp');
    expect(mermaidType('double precision')).toBe('float8');
    expect(mermaidType('integer[]')).toBe('integer_array');
    expect(mermaidType('"My Schema"."Ünïcode"')).toBe('My_Schema_n_code');
    expect(mermaidType('2fa')).toBe('_2fa');
  });

  it('keeps names Mermaid would misread safe: key tokens, keywords, collisions, directives', () => {
    const text = toMermaid(
      modelOf([
        tbl('to', 'one', [col('pk', 'int'), col('class', 'int')]),
        tbl('a.b', 'c', [col('id', 'int')]),
        tbl('a_b', 'c', [col('id', 'int')]),
        tbl('x', 'direction LR', [col('id', 'int')]),
      ]),
    );
    expect(text).toContain('"to__one"["to.one"] {\n        int pk_ "pk"\n        int class\n    }');
    expect(text).toContain('"a_b__c"["a.b.c"]');
    expect(text).toContain('"a_b__c_2"["a_b.c"]');
    expect(text).toContain('"x__direction_LR"["x.direction_LR"]');
  });

  it('keysOnly keeps key attributes only', () => {
    const text = toMermaid(platformModel(), { keysOnly: true });
    expect(text).not.toContain(' bio');
    expect(text).toContain('"platform__user_profiles"["platform.user_profiles"] {\n        uuid user_id PK, FK\n    }');
    expect(text).toContain('    "platform__organizations"["platform.organizations"] {\n        bigint id PK\n    }');
  });

  it('marks an optional one-to-one and an identifying FK', () => {
    const parent = tbl('s', 'p', [col('id', 'int', { nullable: false })], { primaryKey: { name: 'p_pkey', columns: ['id'] } });
    const child = tbl('s', 'c', [col('id', 'int', { nullable: false }), col('p_id', 'int')], {
      primaryKey: { name: 'c_pkey', columns: ['id'] },
      uniqueConstraints: [{ name: 'c_p_key', columns: ['p_id'], nullsNotDistinct: false, deferrable: false }],
      foreignKeys: [fk('c "p" fkey', ['p_id'], 's.p', ['id'])],
    });
    expect(toMermaid(modelOf([parent, child]))).toContain(`"s__c" |o..o| "s__p" : "c 'p' fkey"`);
  });

  it('is deterministic on a 2,000-table model', () => {
    const text = toMermaid(syntheticModel({ tables: 2000, seed: 4 }));
    expect(toMermaid(syntheticModel({ tables: 2000, seed: 4 }))).toBe(text);
    expect(text.match(/^    "[^"]+"\["[^"]+"\]/gm)).toHaveLength(2000);
  });
});
