import { compareText, tablesById } from '../erd/model-helpers';
import type { CheckConstraint, Column, EnumType, Extension, ForeignKey, Index, QualifiedName, SchemaInfo, SchemaModel, Table, View } from '../introspect/schema-model';
import {
  columnDdl,
  displayIdent,
  enumSummary,
  extensionSummary,
  isDiffedSchema,
  primaryKeyDdl,
  schemaSummary,
  standaloneIndexes,
  tableSummary,
  uniqueDdl,
  viewSummary,
} from './render-ddl';
import { dataLoss, extensionLoss, notNullOnRows, rowLookup, sortRisks, tableRewrite, validationScan, type RowLookup } from './risks';
import { classifyTypeChange } from './type-change';
import type { DiffChange, DiffContext, DiffObjectKind, RiskFlag, SchemaDiff } from './types';

const KIND_ORDER: DiffObjectKind[] = ['schema', 'extension', 'table', 'column', 'primary_key', 'foreign_key', 'unique', 'check', 'index', 'enum', 'view'];

/** The table, enum or view itself leads its group, so a materialized view comes before its indexes. */
function kindRank(change: DiffChange): number {
  return change.name === change.table ? -1 : KIND_ORDER.indexOf(change.kind);
}

/** Schemas, then extensions, then everything that belongs to a table, view or enum. */
function scopeRank(change: DiffChange): number {
  return change.kind === 'schema' ? 0 : change.kind === 'extension' ? 1 : 2;
}

function compareChanges(a: DiffChange, b: DiffChange): number {
  return (
    scopeRank(a) - scopeRank(b) ||
    compareText(a.table ?? '', b.table ?? '') ||
    kindRank(a) - kindRank(b) ||
    compareText(a.name, b.name)
  );
}

/**
 * Compares two models object by object and flags the risks of each change, so a reviewer
 * sees "drops a column of 2 million rows" before running anything. Only user schemas are
 * compared (see isDiffedSchema), along with the extensions installed. An added or removed
 * table is one change, not one per column and index: the list stays readable, and the
 * table's risk covers its contents. Likewise a removed schema carries no risk of its own:
 * its tables are reported, and flagged, one by one. Renames show as a removal and an
 * addition; guessing them is a human's call.
 */
export function diffSchemas(before: SchemaModel, after: SchemaModel, context: DiffContext = {}): SchemaDiff {
  const rows = rowLookup(before, context);
  const changes: DiffChange[] = [
    ...diffNamespaces(before, after),
    ...diffExtensions(before, after),
    ...diffTables(before, after, rows),
    ...diffEnums(before, after, rows),
    ...diffViews(before, after),
  ];
  changes.sort(compareChanges);
  const summary = { added: 0, removed: 0, changed: 0 };
  for (const change of changes) summary[change.action]++;
  return { changes, summary, risks: sortRisks(changes.flatMap((change) => change.risks)) };
}

/** One object seen in both models (either side missing when added or removed). */
interface Pair<T> {
  name: string;
  before?: T;
  after?: T;
}

function pairs<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): Pair<T>[] {
  const byName = new Map<string, Pair<T>>();
  for (const item of before) byName.set(key(item), { name: key(item), before: item });
  for (const item of after) {
    const pair = byName.get(key(item));
    if (pair) pair.after = item;
    else byName.set(key(item), { name: key(item), after: item });
  }
  return [...byName.values()];
}

interface ChangeFields {
  kind: DiffObjectKind;
  table: string | null;
  name: string;
  before: string | null;
  after: string | null;
  attributes?: string[];
  risks?: Array<RiskFlag | null>;
}

function change(fields: ChangeFields): DiffChange {
  const action = fields.before === null ? 'added' : fields.after === null ? 'removed' : 'changed';
  const risks = (fields.risks ?? []).filter((risk): risk is RiskFlag => risk !== null);
  return { ...fields, action, attributes: fields.attributes ?? [], risks };
}

/** Names of the attributes whose values differ. */
function differing<T>(a: T, b: T, attributes: Record<string, (item: T) => unknown>): string[] {
  return Object.keys(attributes).filter((name) => JSON.stringify(attributes[name](a)) !== JSON.stringify(attributes[name](b)));
}

/**
 * Schemas added, removed, or given another comment. Owners are not compared: a shadow replay
 * runs as another role than the target's, so drift would report every schema as changed.
 */
function diffNamespaces(before: SchemaModel, after: SchemaModel): DiffChange[] {
  const userSchemas = (model: SchemaModel) => model.schemas.filter((schema) => isDiffedSchema(schema.name));
  const changes: DiffChange[] = [];
  for (const pair of pairs(userSchemas(before), userSchemas(after), (s) => s.name)) {
    const attributes =
      pair.before && pair.after ? differing(pair.before, pair.after, { comment: (s: SchemaInfo) => s.comment }) : [];
    if (pair.before && pair.after && attributes.length === 0) continue;
    changes.push(
      change({
        kind: 'schema',
        table: null,
        name: pair.name,
        before: pair.before ? schemaSummary(pair.before) : null,
        after: pair.after ? schemaSummary(pair.after) : null,
        attributes,
      }),
    );
  }
  return changes;
}

/** Extensions installed, removed, updated or moved to another schema. */
function diffExtensions(before: SchemaModel, after: SchemaModel): DiffChange[] {
  const changes: DiffChange[] = [];
  for (const pair of pairs(before.extensions, after.extensions, (e) => e.name)) {
    const attributes =
      pair.before && pair.after ? differing(pair.before, pair.after, { version: (e: Extension) => e.version, schema: (e: Extension) => e.schema }) : [];
    if (pair.before && pair.after && attributes.length === 0) continue;
    changes.push(
      change({
        kind: 'extension',
        table: null,
        name: pair.name,
        before: pair.before ? extensionSummary(pair.before) : null,
        after: pair.after ? extensionSummary(pair.after) : null,
        attributes,
        risks: pair.before && !pair.after ? [extensionLoss(pair.name)] : [],
      }),
    );
  }
  return changes;
}

const userTables = (model: SchemaModel) => model.tables.filter((table) => isDiffedSchema(table.schema));

function diffTables(before: SchemaModel, after: SchemaModel, rows: RowLookup): DiffChange[] {
  const sides = { before: tablesById(before), after: tablesById(after) };
  const changes: DiffChange[] = [];
  for (const pair of pairs(userTables(before), userTables(after), (t) => t.id)) {
    const old = pair.before;
    const current = pair.after;
    const base = { kind: 'table' as const, table: pair.name, name: pair.name };
    if (!old || !current) {
      const risks = old ? [dataLoss(old.id, rows(old.id), `Drops table ${old.id}`)] : [];
      changes.push(change({ ...base, before: old ? tableSummary(old) : null, after: current ? tableSummary(current) : null, risks }));
      continue;
    }
    const attributes = differing(old, current, {
      kind: (t) => t.kind,
      partitioning: (t) => [t.partitionKey, t.partitionOf, t.partitionBound],
      persistence: (t) => t.persistence,
      rls: (t) => [t.rlsEnabled, t.rlsForced],
    });
    if (attributes.length > 0) {
      // SET LOGGED / SET UNLOGGED copy the whole table.
      const risks = attributes.includes('persistence')
        ? [tableRewrite(old.id, rows(old.id), `Rewrites ${old.id} to make it ${current.persistence}`)]
        : [];
      changes.push(change({ ...base, before: tableSummary(old), after: tableSummary(current), attributes, risks }));
    }
    const parents = { before: parentOf(old, sides.before), after: parentOf(current, sides.after) };
    changes.push(...diffColumns(old, current, parents, rows), ...diffConstraints(old, current, parents, rows));
  }
  return changes;
}

/** The parent of a partition, when it is in the model: what the partition inherits its objects from. */
function parentOf(table: Table, byId: Map<QualifiedName, Table>): Table | null {
  return table.kind === 'partition' && table.partitionOf ? (byId.get(table.partitionOf) ?? null) : null;
}

type Parents = { before: Table | null; after: Table | null };

/**
 * True when every side of the pair that exists merely repeats the parent's object. A column
 * added to a partitioned table appears on each of its 400 partitions; the parent's change
 * says it once.
 */
function inheritedPair<T>(pair: Pair<T>, inherited: (item: T, side: 'before' | 'after') => boolean): boolean {
  return (!pair.before || inherited(pair.before, 'before')) && (!pair.after || inherited(pair.after, 'after'));
}

function diffColumns(old: Table, current: Table, parents: Parents, rows: RowLookup): DiffChange[] {
  const id = old.id;
  const count = rows(id);
  const mirrors = (column: Column, side: 'before' | 'after') => {
    const parent = parents[side]?.columns.find((c) => c.name === column.name);
    return parent !== undefined && columnDdl(parent) === columnDdl(column);
  };
  const changes: DiffChange[] = [];
  for (const pair of pairs(old.columns, current.columns, (c) => c.name)) {
    if (parents.before && parents.after && inheritedPair(pair, mirrors)) continue;
    const base = { kind: 'column' as const, table: id, name: pair.name };
    const was = pair.before;
    const is = pair.after;
    const target = `${id}.${pair.name}`;
    if (!was || !is) {
      const risks = was
        ? [dataLoss(id, count, `Drops column ${target}`)]
        : [addedColumnRisk(is as Column, id, target, count)];
      changes.push(change({ ...base, before: was ? columnDdl(was) : null, after: is ? columnDdl(is) : null, risks }));
      continue;
    }
    const attributes = differing(was, is, {
      type: (c) => c.type,
      nullable: (c) => c.nullable,
      default: (c) => c.default,
      identity: (c) => c.identity,
      generated: (c) => c.generated,
      collation: (c) => c.collation,
    });
    if (attributes.length === 0) continue;
    const risks: Array<RiskFlag | null> = [];
    if (attributes.includes('type')) {
      const kind = classifyTypeChange(was.type, is.type);
      const fromTo = `from ${was.type} to ${is.type}`;
      if (kind.narrowing) risks.push(dataLoss(id, count, `Changes ${target} ${fromTo}: ${kind.reason}`));
      if (kind.rewrite) risks.push(tableRewrite(id, count, `Rewrites ${id} to change ${pair.name} ${fromTo}`));
    }
    if (was.nullable && !is.nullable) {
      risks.push(notNullOnRows(id, count, `Sets ${target} NOT NULL: scans every row under ACCESS EXCLUSIVE and fails on any null`));
    }
    changes.push(change({ ...base, before: columnDdl(was), after: columnDdl(is), attributes, risks }));
  }
  return changes;
}

/** A NOT NULL column with nothing to fill existing rows with makes the ALTER fail on them. */
function addedColumnRisk(column: Column, table: string, target: string, rows: number | null): RiskFlag | null {
  if (column.nullable || column.default !== null || column.identity !== null || column.generated !== null) return null;
  return notNullOnRows(table, rows, `Adds NOT NULL column ${target} without a default: fails if the table has rows`);
}

/** How one kind of table-level object is compared and shown. */
interface ObjectSpec<T> {
  kind: DiffObjectKind;
  list: (table: Table) => readonly T[];
  name: (item: T) => string;
  /** What pairs an object across the models; its name unless said otherwise. */
  key?: (item: T) => string;
  fragment: (item: T) => string;
  attributes: Record<string, (item: T) => unknown>;
  /** Repeats the parent's object (partitions only). */
  inherited: (item: T, table: Table, parent: Table) => boolean;
  /** Validated constraints scan the table when added. */
  validates?: (item: T) => boolean;
}

/** `… NOT VALID` is how pg_get_constraintdef shows validation, which is compared on its own. */
const withoutNotValid = (definition: string) => definition.replace(/\s+NOT VALID$/, '');

const primaryKeySpec: ObjectSpec<NonNullable<Table['primaryKey']>> = {
  kind: 'primary_key',
  list: (t) => (t.primaryKey ? [t.primaryKey] : []),
  name: (pk) => pk.name,
  // One per table: a renamed key is the same key changed, not one dropped and one added.
  key: () => 'PRIMARY KEY',
  fragment: (pk) => `CONSTRAINT ${displayIdent(pk.name)} ${primaryKeyDdl(pk.columns)}`,
  attributes: { name: (pk) => pk.name, columns: (pk) => pk.columns },
  inherited: (pk, table) => table.indexes.some((i) => i.constraint === pk.name && i.partitioned),
};

const foreignKeySpec: ObjectSpec<ForeignKey> = {
  kind: 'foreign_key',
  list: (t) => t.foreignKeys,
  name: (fk) => fk.name,
  fragment: (fk) => fk.definition,
  attributes: { definition: (fk) => withoutNotValid(fk.definition), validated: (fk) => fk.validated },
  inherited: (fk) => fk.inherited,
  validates: (fk) => fk.validated,
};

const uniqueSpec: ObjectSpec<Table['uniqueConstraints'][number]> = {
  kind: 'unique',
  list: (t) => t.uniqueConstraints,
  name: (u) => u.name,
  fragment: uniqueDdl,
  attributes: { columns: (u) => u.columns, nullsNotDistinct: (u) => u.nullsNotDistinct, deferrable: (u) => u.deferrable },
  inherited: (u, table) => table.indexes.some((i) => i.constraint === u.name && i.partitioned),
};

const checkSpec: ObjectSpec<CheckConstraint> = {
  kind: 'check',
  list: (t) => t.checkConstraints,
  name: (c) => c.name,
  fragment: (c) => c.definition,
  attributes: { definition: (c) => withoutNotValid(c.definition), validated: (c) => c.validated },
  // Inherited checks keep the parent's name.
  inherited: (c, _table, parent) => parent.checkConstraints.some((p) => p.name === c.name && p.definition === c.definition),
  validates: (c) => c.validated,
};

const indexSpec: ObjectSpec<Index> = {
  kind: 'index',
  // Indexes behind a PRIMARY KEY or UNIQUE constraint are reported as that constraint.
  list: (t) => standaloneIndexes(t, t.indexes),
  name: (i) => i.name,
  fragment: (i) => i.definition,
  attributes: { definition: (i) => i.definition, valid: (i) => i.valid },
  inherited: (i) => i.partitioned,
};

function diffConstraints(old: Table, current: Table, parents: Parents, rows: RowLookup): DiffChange[] {
  return [
    ...diffObjects(primaryKeySpec, old, current, parents, rows),
    ...diffObjects(foreignKeySpec, old, current, parents, rows),
    ...diffObjects(uniqueSpec, old, current, parents, rows),
    ...diffObjects(checkSpec, old, current, parents, rows),
    ...diffObjects(indexSpec, old, current, parents, rows),
  ];
}

function diffObjects<T>(spec: ObjectSpec<T>, old: Table, current: Table, parents: Parents, rows: RowLookup): DiffChange[] {
  const inherited = (item: T, side: 'before' | 'after') => {
    const parent = parents[side];
    return parent !== null && spec.inherited(item, side === 'before' ? old : current, parent);
  };
  const changes: DiffChange[] = [];
  for (const pair of pairs(spec.list(old), spec.list(current), spec.key ?? spec.name)) {
    if (inheritedPair(pair, inherited)) continue;
    const attributes = pair.before && pair.after ? differing(pair.before, pair.after, spec.attributes) : [];
    if (pair.before && pair.after && attributes.length === 0) continue;
    const risks: Array<RiskFlag | null> = [];
    const fresh = !pair.before || attributes.includes('definition');
    if (pair.after && fresh && spec.validates?.(pair.after)) {
      const what = spec.kind === 'check' ? 'CHECK' : 'FOREIGN KEY';
      const message = `Adds ${what} ${spec.name(pair.after)} on ${old.id}, validated against existing rows while writes wait; add it NOT VALID and VALIDATE it separately`;
      risks.push(validationScan(old.id, rows(old.id), message));
    }
    changes.push(
      change({
        kind: spec.kind,
        table: old.id,
        name: spec.name((pair.after ?? pair.before) as T),
        before: pair.before ? spec.fragment(pair.before) : null,
        after: pair.after ? spec.fragment(pair.after) : null,
        attributes,
        risks,
      }),
    );
  }
  return changes;
}

function diffEnums(before: SchemaModel, after: SchemaModel, rows: RowLookup): DiffChange[] {
  const userEnums = (model: SchemaModel) => model.enums.filter((type) => isDiffedSchema(type.schema));
  const changes: DiffChange[] = [];
  for (const pair of pairs(userEnums(before), userEnums(after), (e) => e.id)) {
    const attributes = pair.before && pair.after ? differing(pair.before, pair.after, { values: (e: EnumType) => e.values }) : [];
    if (pair.before && pair.after && attributes.length === 0) continue;
    const risks: RiskFlag[] = [];
    if (pair.before && pair.after) {
      const kept = new Set(pair.after.values);
      for (const value of pair.before.values.filter((v) => !kept.has(v))) risks.push(enumValueLoss(before, pair.before, value, rows));
    }
    changes.push(
      change({
        kind: 'enum',
        table: pair.name,
        name: pair.name,
        before: pair.before ? enumSummary(pair.before) : null,
        after: pair.after ? enumSummary(pair.after) : null,
        attributes,
        risks,
      }),
    );
  }
  return changes;
}

/** Rows holding a removed value lose it: as risky as the riskiest table using the type. */
function enumValueLoss(model: SchemaModel, type: EnumType, value: string, rows: RowLookup): RiskFlag {
  const users = userTables(model).flatMap((table) =>
    table.kind === 'partition' ? [] : table.columns.filter((c) => c.enumType === type.id).map((c) => ({ table: table.id, column: c.name })),
  );
  const counts = users.map((u) => rows(u.table));
  // No using column: nothing to lose (0). Any unknown: unknown. Otherwise the total.
  const total = counts.includes(null) ? null : counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const usedBy = users.length > 0 ? ` used by ${users.map((u) => `${u.table}.${u.column}`).join(', ')}` : ', which no column uses';
  return dataLoss(null, total, `Removes value '${value}' from enum ${type.id}${usedBy}`);
}

function diffViews(before: SchemaModel, after: SchemaModel): DiffChange[] {
  const userViews = (model: SchemaModel) => model.views.filter((view) => isDiffedSchema(view.schema));
  const changes: DiffChange[] = [];
  for (const pair of pairs(userViews(before), userViews(after), (v) => v.id)) {
    const base = { kind: 'view' as const, table: pair.name, name: pair.name };
    if (!pair.before || !pair.after) {
      // Dropping a view loses no data: it is a stored query (a materialized one can be refreshed).
      changes.push(change({ ...base, before: pair.before ? viewSummary(pair.before) : null, after: pair.after ? viewSummary(pair.after) : null }));
      continue;
    }
    const attributes = differing(pair.before, pair.after, {
      materialized: (v: View) => v.materialized,
      definition: (v: View) => v.definition.replace(/\s+/g, ' ').trim(),
      columns: (v: View) => v.columns,
    });
    if (attributes.length > 0) changes.push(change({ ...base, before: viewSummary(pair.before), after: viewSummary(pair.after), attributes }));
    changes.push(...diffViewIndexes(pair.before, pair.after));
  }
  return changes;
}

/** Materialized views carry indexes of their own. */
function diffViewIndexes(old: View, current: View): DiffChange[] {
  const changes: DiffChange[] = [];
  for (const pair of pairs(old.indexes, current.indexes, (i) => i.name)) {
    const attributes = pair.before && pair.after ? differing(pair.before, pair.after, indexSpec.attributes) : [];
    if (pair.before && pair.after && attributes.length === 0) continue;
    changes.push(
      change({
        kind: 'index',
        table: old.id,
        name: pair.name,
        before: pair.before?.definition ?? null,
        after: pair.after?.definition ?? null,
        attributes,
      }),
    );
  }
  return changes;
}
