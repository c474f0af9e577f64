import { endsWithPattern } from '../config';
import { hits, listed, type ChangeSetContext, type ChangeSetHit, type LintRule } from '../rule';
import type { ForeignKeyInfo, IndexInfo, Origin, TableInfo } from '../schema-model';
import { definedColumns, shortType } from './column-design';

/**
 * Conventions for every table: foreign keys with an index, created_at/updated_at, complete
 * soft-delete columns, no plaintext secrets. Table-shape rules run at the end of the change
 * set, so a table may get its index or timestamps from a later statement of the same change set.
 */

const at = (origin: Origin, message: string): ChangeSetHit => ({ message, statementIndex: origin.statementIndex, line: origin.line });

/** An index a lookup by the foreign key's columns can use: btree/hash, leading columns = the FK columns. */
function covers(index: IndexInfo, fk: ForeignKeyInfo): boolean {
  if (index.method !== 'btree' && !(index.method === 'hash' && fk.columns.length === 1)) return false;
  const leading = index.columns.slice(0, fk.columns.length);
  if (leading.length < fk.columns.length || !fk.columns.every((c) => leading.includes(c))) return false;
  // A partial index serves the lookup only when its predicate is implied by `fk = value` (fk IS NOT NULL).
  return !index.partial || (index.notNullPredicate ?? ['(other predicate)']).every((c) => fk.columns.includes(c));
}

export const foreignKeyWithoutIndex: LintRule = {
  id: 'foreign-key-without-index',
  category: 'convention',
  severity: 'warning',
  title: 'Foreign key without an index on its columns',
  explanation:
    'PostgreSQL indexes the referenced key but not the referencing columns. Without an index, every DELETE or key UPDATE on the referenced table scans the referencing table (under lock), ON DELETE CASCADE becomes a sequential scan, and joins along the relationship cannot use an index.',
  saferAlternative: 'Create an index whose leading columns are the foreign key columns, in the same change set (CONCURRENTLY in its own change set if the table is large).',
  checkChangeSet(ctx) {
    const found: ChangeSetHit[] = [];
    for (const fk of ctx.model.foreignKeys) {
      if (fk.origin.tag !== ctx.changeSet.tag || !ctx.model.tables.has(fk.table)) continue;
      if (ctx.model.indexesOn(fk.table).some((index) => covers(index, fk))) continue;
      const name = fk.name ? `foreign key ${fk.name} on` : 'foreign key on';
      found.push(at(fk.origin, `${name} ${fk.table} (${fk.columns.join(', ')}) → ${fk.references} has no index starting with its columns by the end of the change set`));
    }
    return found;
  },
};

/** Tables this change set created with every column known (not partitions: they follow their parent). */
function newTables(ctx: ChangeSetContext): TableInfo[] {
  return touchedTables(ctx).filter((t) => t.origin.tag === ctx.changeSet.tag && t.columnsKnown && !t.partitionOf);
}

/** Tables the change set created or altered that still exist at its end. */
function touchedTables(ctx: ChangeSetContext): TableInfo[] {
  return [...ctx.model.touched].flatMap((key) => ctx.model.tables.get(key) ?? []);
}

export const missingTimestampColumns: LintRule = {
  id: 'missing-timestamp-columns',
  category: 'convention',
  severity: 'warning',
  title: 'New table without created_at / updated_at',
  explanation:
    'Without creation and update times, nobody can tell when a row appeared or last changed: debugging, incremental exports, retention and audits all need them.',
  saferAlternative: 'Add created_at timestamptz NOT NULL DEFAULT now() and updated_at timestamptz NOT NULL DEFAULT now() (names configurable in strata-lint.json: timestampColumns).',
  checkChangeSet(ctx) {
    const wanted = ctx.options.config.timestampColumns;
    return newTables(ctx).flatMap((table) => {
      const missing = wanted.filter((c) => !table.columns.has(c));
      return missing.length ? [at(table.origin, `table ${table.key} has no ${missing.join(', ')}`)] : [];
    });
  },
};

export const softDeleteColumnsIncomplete: LintRule = {
  id: 'soft-delete-columns-incomplete',
  category: 'convention',
  severity: 'warning',
  title: 'Soft-delete columns incomplete',
  explanation:
    'A table that soft-deletes rows needs the whole set of soft-delete columns (when, by whom, and the flag where used) so purges, restores and audits work the same way on every table.',
  saferAlternative: 'Add every configured soft-delete column (strata-lint.json: softDeleteColumns, softDeleteOptionalColumns), or none.',
  checkChangeSet(ctx) {
    const { softDeleteColumns, softDeleteOptionalColumns } = ctx.options.config;
    const markers = [...softDeleteColumns, ...softDeleteOptionalColumns];
    const found: ChangeSetHit[] = [];
    for (const table of touchedTables(ctx)) {
      if (table.partitionOf || !table.columnsKnown) continue;
      // Only where this change set created the table or added one of its soft-delete columns.
      const touched = [...table.columns.values()].filter((c) => markers.includes(c.name) && c.origin.tag === ctx.changeSet.tag);
      if (touched.length === 0) continue;
      const missing = softDeleteColumns.filter((c) => !table.columns.has(c));
      if (missing.length === 0) continue;
      const origin = table.origin.tag === ctx.changeSet.tag ? table.origin : touched[0].origin;
      found.push(at(origin, `table ${table.key} has ${listed(touched.map((c) => c.name))} but not ${missing.join(', ')}`));
    }
    return found;
  },
};

/** Types that can hold a secret as readable text. */
const TEXT_TYPE = /^(text|character varying(\(\d+\))?|character(\(\d+\))?|citext|name)(\[\])*$/;

export const sensitiveColumnPlaintext: LintRule = {
  id: 'sensitive-column-plaintext',
  category: 'convention',
  severity: 'warning',
  title: 'Sensitive value stored as plain text',
  explanation:
    'Passwords, API secrets, tokens and personal identifiers such as e-mail addresses must be stored hashed or encrypted with a keyed primitive (e.g. HMAC-SHA256 with a key from the environment), never in plaintext: a leaked backup or replica must not leak them.',
  saferAlternative:
    'Store a keyed hash (email_hash = HMAC-SHA256(key, lower(email))) for lookups, or encrypted bytes (bytea); name the column accordingly (…_hash, …_hmac, …_encrypted). Patterns are configurable (sensitiveColumnPatterns, protectedColumnWords).',
  checkStatement(ctx) {
    const { sensitiveColumnPatterns, protectedColumnWords } = ctx.options.config;
    const columns = definedColumns(ctx).filter((c) => {
      if (!TEXT_TYPE.test(c.type)) return false;
      const words = c.name.toLowerCase().split('_');
      if (protectedColumnWords.some((w) => words.includes(w))) return false;
      return sensitiveColumnPatterns.some((p) => endsWithPattern(c.name, p));
    });
    if (columns.length === 0) return [];
    return hits([`${columns[0].table}: ${listed(columns.map((c) => `${c.name} ${shortType(c.type)}`))} look${columns.length > 1 ? '' : 's'} sensitive and ${columns.length > 1 ? 'are' : 'is'} stored as plain text`]);
  },
};

export const TABLE_CONVENTION_RULES: LintRule[] = [foreignKeyWithoutIndex, missingTimestampColumns, softDeleteColumnsIncomplete, sensitiveColumnPlaintext];
