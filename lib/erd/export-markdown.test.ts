import { describe, expect, it } from 'vitest';
import { toMarkdownDictionary } from './export-markdown';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { dictionaryModel, platformModel } from '../../test/erd/test-model';

const GOLDEN = `# Demo

PostgreSQL 18.4, database \`app\`: 2 tables in 1 schema.
Row counts are planner estimates (\`pg_class.reltuples\`), not exact counts.

## Schema \`app\`

### \`app.org members\`

Estimated rows: unknown (never analysed).

| Column | Type | Nullable | Default | Keys | Comment | Classification |
| --- | --- | --- | --- | --- | --- | --- |
| \`org_id\` | \`bigint\` | no |  | PK, FK |  |  |
| \`\` user \`x\` \`\` | \`text\` | no | \`'n/a'::text\` | PK |  |  |

Primary key: \`members_pkey\` (\`org_id\`, \`\` user \`x\` \`\`)

Foreign keys:

| Constraint | Columns | References | On delete | On update |
| --- | --- | --- | --- | --- |
| \`members_org_fkey\` | \`org_id\` | \`app.orgs\` (\`id\`) | cascade | no action |

Indexes:

| Index | Method | Keys | Unique | Predicate |
| --- | --- | --- | --- | --- |
| \`members_user_idx\` | btree | \`\` user \`x\` \`\` | no | \`(org_id > 0)\` |

Checks:

| Constraint | Definition |
| --- | --- |
| \`members_user_check\` | \`\`CHECK (("user \`x\`" <> ''::text))\`\` |

### \`app.orgs\`

Tenants &lt;b&gt;.

Estimated rows: ~1,500 (planner estimate). Classification: operational.

| Column | Type | Nullable | Default | Keys | Comment | Classification |
| --- | --- | --- | --- | --- | --- | --- |
| \`id\` | \`bigint\` | no | identity (by default) | PK |  |  |
| \`name\` | \`text\` | no |  |  | A \\| B<br>second line | PII |

Primary key: \`orgs_pkey\` (\`id\`)

Referenced by:

| Table | Constraint | Columns |
| --- | --- | --- |
| \`app.org members\` | \`members_org_fkey\` | \`org_id\` |

### Enums in \`app\`

| Enum | Values | Comment |
| --- | --- | --- |
| \`role\` | \`owner\`, \`a\\|b\` | Roles |

### Views in \`app\`

| View | Kind | Columns | Comment |
| --- | --- | --- | --- |
| \`big_orgs\` | materialized | \`id\` (bigint) |  |
`;

const classify = (table: string, column?: string) =>
  column === 'name' ? ['PII'] : !column && table === 'app.orgs' ? ['operational'] : [];

describe('toMarkdownDictionary', () => {
  it('renders the golden dictionary (escaped names, pipes, HTML, line breaks)', () => {
    expect(toMarkdownDictionary(dictionaryModel(), { title: 'Demo', classifications: classify })).toBe(GOLDEN);
  });

  it('leaves out the classification column without policies, and live figures when asked', () => {
    const plain = toMarkdownDictionary(dictionaryModel(), { liveFigures: false });
    expect(plain.startsWith('# Entity dictionary: app\n')).toBe(true);
    expect(plain).not.toContain('Classification');
    expect(plain).not.toMatch(/estimate/i);
    expect(plain).toContain('| Column | Type | Nullable | Default | Keys | Comment |\n');
  });

  it('folds partitions into their parent, lists them, and hides bookkeeping schemas', () => {
    const text = toMarkdownDictionary(platformModel());
    expect(text).toContain('Partitioned by `RANGE (occurred_at)`; 2 partitions. Estimated rows: ~2,000 (planner estimate).');
    expect(text).toContain("| `platform.usage_events_2025_01` | `FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')` |");
    expect(text).not.toContain('### `platform.usage_events_2025_01`');
    expect(text).not.toContain('strata');
    expect(toMarkdownDictionary(platformModel(), { includeBookkeeping: true })).toContain('### `strata.change_log`');
  });

  it('documents a self-referencing composite FK both ways', () => {
    const text = toMarkdownDictionary(platformModel());
    const folders = text.slice(text.indexOf('### `platform.folders`'), text.indexOf('### `platform.organizations`'));
    expect(folders).toContain('| `folders_parent_fkey` | `org_id`, `parent_id` | `platform.folders` (`org_id`, `id`) | no action | no action |');
    expect(folders).toContain('| `platform.folders` | `folders_parent_fkey` | `org_id`, `parent_id` |');
  });

  it('is deterministic and documents every table of a 2,000-table model', () => {
    const model = syntheticModel({ tables: 2000, seed: 3 });
    const text = toMarkdownDictionary(model);
    expect(toMarkdownDictionary(syntheticModel({ tables: 2000, seed: 3 }))).toBe(text);
    expect(text.match(/^### `[^`]+`$/gm)).toHaveLength(2000);
  });
});
