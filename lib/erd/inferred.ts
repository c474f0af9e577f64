import type { Column, QualifiedName, SchemaModel, Table } from '../introspect/schema-model';
import { compareText, partitionRoot, tablesById, visibleForeignKeys } from './model-helpers';

/**
 * Relationships a schema means but never declared: real schemas leave many references as
 * plain columns (GitLab ties its CI tables to `projects` by `project_id` alone, across what
 * are separate databases in production). Two shapes are recognised, from names and types only,
 * never from data:
 *
 * - **naming**: a column `<x>_id` whose `<x>` (or its plural, with or without the table's own
 *   name prefix such as `ci_`) names a table — same schema first — with a one-column primary
 *   key of a compatible type (integers with integers, uuid with uuid, text with text);
 * - **polymorphic**: a pair `<x>_type` + `<x>_id` (lifegraph's `entity_type`/`entity_id`): the
 *   row points at one of several tables. Its candidates come from what the type column may hold
 *   (a CHECK's listed values or its enum's), each mapped to a table by name; none may be known.
 *
 * A column already in a foreign key is never inferred. The result is sorted, so it is the same
 * for the same schema.
 */
export interface InferredRelationship {
  /** `${table}.${column}` (the `_id` column): unique per table and column. */
  id: string;
  kind: 'naming' | 'polymorphic';
  table: QualifiedName;
  columns: string[];
  /** The referenced table and key for a naming inference; null for a polymorphic pair. */
  references: { table: QualifiedName; columns: string[] } | null;
  /** For a polymorphic pair: the tables its type column's values name (possibly none). */
  candidates: QualifiedName[];
  /** Why, in one line: "project_id names public.projects (id)". */
  reason: string;
}

type TypeFamily = 'integer' | 'uuid' | 'text' | 'other';

function family(type: string): TypeFamily {
  if (/^(smallint|integer|bigint)$/.test(type)) return 'integer';
  if (type === 'uuid') return 'uuid';
  if (/^(text|character varying|varchar|character)\b/.test(type)) return 'text';
  return 'other';
}

function plurals(word: string): string[] {
  if (/[^aeiou]y$/.test(word)) return [`${word.slice(0, -1)}ies`, `${word}s`];
  if (/(s|x|z|ch|sh)$/.test(word)) return [`${word}es`];
  return [`${word}s`];
}

export function inferRelationships(model: SchemaModel): InferredRelationship[] {
  const byId = tablesById(model);
  // Partitions are drawn as their parent: they neither hold nor receive inferences of their own.
  const roots = model.tables.filter((t) => partitionRoot(t, byId) === t);
  const byName = new Map<string, Table[]>();
  for (const t of roots) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  const keyOf = (t: Table): Column | null => {
    if (t.primaryKey?.columns.length !== 1) return null;
    return t.columns.find((c) => c.name === t.primaryKey!.columns[0]) ?? null;
  };
  /** The table `word` names from `table`'s point of view, if exactly one fits best. */
  const named = (table: Table, word: string, idType: string): Table | null => {
    // Every leading prefix of the table's own name: `p_ci_builds` tries `p_…` and `p_ci_…` too.
    const parts = table.name.split('_');
    const prefixes = ['', ...parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('_')}_`)];
    const names = [word, ...plurals(word)].flatMap((n) => prefixes.map((p) => `${p}${n}`));
    for (const sameSchema of [true, false]) {
      for (const name of names) {
        const found = (byName.get(name) ?? []).filter((t) => (t.schema === table.schema) === sameSchema && t.id !== table.id).sort((a, b) => compareText(a.id, b.id));
        for (const candidate of found) {
          const key = keyOf(candidate);
          if (key && family(key.type) !== 'other' && family(key.type) === family(idType)) return candidate;
        }
      }
    }
    return null;
  };

  const found: InferredRelationship[] = [];
  for (const table of roots) {
    const declared = new Set(visibleForeignKeys(table).flatMap((fk) => fk.columns));
    const ownKey = table.primaryKey?.columns.length === 1 ? table.primaryKey.columns[0] : null;
    const columns = new Map(table.columns.map((c) => [c.name, c]));
    const polymorphic = new Set<string>();
    for (const column of table.columns) {
      const match = /^(.+)_type$/.exec(column.name);
      const idColumn = match ? columns.get(`${match[1]}_id`) : undefined;
      if (!match || !idColumn || declared.has(idColumn.name) || declared.has(column.name)) continue;
      polymorphic.add(idColumn.name);
      const values = typeValues(model, table, column);
      const candidates = [...new Set(values.map((v) => named(table, v.toLowerCase(), idColumn.type)?.id).filter((id): id is string => Boolean(id)))].sort(compareText);
      found.push({
        id: `${table.id}.${idColumn.name}`,
        kind: 'polymorphic',
        table: table.id,
        columns: [column.name, idColumn.name],
        references: null,
        candidates,
        reason: `${column.name} + ${idColumn.name} point at a row of the table ${column.name} names${candidates.length ? ` (${candidates.join(', ')})` : ''}`,
      });
    }
    for (const column of table.columns) {
      const match = /^(.+)_id$/.exec(column.name);
      if (!match || declared.has(column.name) || column.name === ownKey || polymorphic.has(column.name)) continue;
      const target = named(table, match[1]!, column.type);
      if (!target) continue;
      const key = keyOf(target)!;
      found.push({
        id: `${table.id}.${column.name}`,
        kind: 'naming',
        table: table.id,
        columns: [column.name],
        references: { table: target.id, columns: [key.name] },
        candidates: [],
        reason: `${column.name} names ${target.id} (${key.name})`,
      });
    }
  }
  return found.sort((a, b) => compareText(a.id, b.id));
}

/** The values a `<x>_type` column may hold: its enum's, or those a CHECK on it lists. */
function typeValues(model: SchemaModel, table: Table, column: Column): string[] {
  if (column.enumType) return model.enums.find((e) => e.id === column.enumType)?.values ?? [];
  const values: string[] = [];
  for (const check of table.checkConstraints) {
    if (!new RegExp(`\\b${column.name}\\b`).test(check.definition)) continue;
    for (const m of check.definition.matchAll(/'((?:[^']|'')*)'/g)) values.push(m[1]!.replace(/''/g, "'"));
  }
  return values;
}
