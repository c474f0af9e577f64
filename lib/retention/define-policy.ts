import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { ClassificationTag, RetentionBasis, TablePolicy } from './types';

type ColumnKey<T extends PgTable> = keyof T['_']['columns'] & string;

export interface PolicySpec<T extends PgTable> {
  basis: RetentionBasis;
  /** Days rows are kept, counted from `from`; omit for indefinitely. */
  retentionDays?: number;
  /** The column the retention period counts from (and the page's "oldest row"). */
  from?: ColumnKey<T>;
  /** Soft delete: the deletion timestamp column and how many days a deleted row is kept (omit: kept). */
  softDelete?: { column: ColumnKey<T>; graceDays?: number };
  classification?: ClassificationTag[];
  /** Tags per column, by the schema's property name (email, keyHash, …). */
  columns?: Partial<Record<ColumnKey<T>, ClassificationTag[]>>;
  note?: string;
}

/**
 * A table's retention policy, declared against the Drizzle table itself so that renaming or
 * dropping a column the policy names is a type error, not a silently wrong Retention page.
 */
export function retentionPolicy<T extends PgTable>(table: T, spec: PolicySpec<T>): TablePolicy {
  const { schema, name } = getTableConfig(table);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const sqlName = (key: string) => {
    const column = columns[key];
    if (!column) throw new Error(`retention policy of ${schema}.${name}: no column ${key}`);
    return column.name;
  };
  if (spec.retentionDays !== undefined && !spec.from) throw new Error(`retention policy of ${schema}.${name}: retentionDays needs the column it counts from`);
  return {
    table: `${schema ?? 'public'}.${name}`,
    basis: spec.basis,
    retentionDays: spec.retentionDays ?? null,
    timestampColumn: spec.from ? sqlName(spec.from) : null,
    softDeleteColumn: spec.softDelete ? sqlName(spec.softDelete.column) : null,
    graceDays: spec.softDelete?.graceDays ?? null,
    classification: spec.classification ?? [],
    columns: Object.fromEntries(Object.entries(spec.columns ?? {}).map(([key, tags]) => [sqlName(key), tags as ClassificationTag[]])),
    ...(spec.note ? { note: spec.note } : {}),
  };
}

/** Days in `n` years: retention periods are often written in years. */
export const years = (n: number) => n * 365;
