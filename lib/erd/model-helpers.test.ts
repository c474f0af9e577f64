import { describe, expect, it } from 'vitest';
import {
  checkExpression,
  compareText,
  foldedStatistics,
  incomingReferences,
  isIdentifying,
  isOneToOne,
  keyColumns,
  partitionRoot,
  partitionsByRoot,
  selectTables,
  tablesById,
  uniqueKeys,
} from './model-helpers';
import { col, fk, idx, modelOf, platformModel, tbl } from '../../test/erd/test-model';

describe('model helpers', () => {
  it('compareText is code-unit order, independent of locale', () => {
    expect(['b', 'B', 'a', 'é', 'A'].sort(compareText)).toEqual(['A', 'B', 'a', 'b', 'é']);
  });

  it('selectTables leaves out bookkeeping schemas and partitions unless asked', () => {
    const model = platformModel();
    expect(selectTables(model).some((t) => t.schema === 'strata' || t.kind === 'partition')).toBe(false);
    expect(selectTables(model, { includeBookkeeping: true, expandPartitions: true })).toHaveLength(model.tables.length);
  });

  it('selectTables keeps a partition whose parent is not in the model (nothing to fold into)', () => {
    const orphan = tbl('s', 'events_2025', [], { kind: 'partition', partitionOf: 'hidden.events' });
    expect(selectTables(modelOf([orphan])).map((t) => t.id)).toEqual(['s.events_2025']);
  });

  it('uniqueKeys: PK, UNIQUE constraints and full unique indexes; never partial or expression ones', () => {
    const table = tbl('s', 't', [col('a', 'int'), col('b', 'int'), col('c', 'int')], {
      primaryKey: { name: 't_pkey', columns: ['a'] },
      uniqueConstraints: [{ name: 't_b_c_key', columns: ['b', 'c'], nullsNotDistinct: false, deferrable: false }],
      indexes: [
        idx('t_c_idx', ['c'], { unique: true }),
        idx('t_b_partial', ['b'], { unique: true, predicate: '(c > 0)' }),
        idx('t_expr', [], { unique: true, keys: [{ column: null, expression: 'lower(b)', opclass: null, descending: false, nullsFirst: false }] }),
      ],
    });
    expect(uniqueKeys(table)).toEqual([['a'], ['b', 'c'], ['c']]);
    expect([...keyColumns(table).unique].sort()).toEqual(['b', 'c']);
  });

  it('isOneToOne when a unique key lies within the FK columns; isIdentifying when they are in the PK', () => {
    const table = tbl('s', 't', [col('tenant', 'int'), col('parent', 'int')], {
      primaryKey: { name: 't_pkey', columns: ['tenant', 'parent'] },
    });
    expect(isOneToOne(table, fk('f1', ['tenant', 'parent'], 's.p', ['a', 'b']))).toBe(true);
    expect(isOneToOne(table, fk('f2', ['parent'], 's.p', ['a']))).toBe(false);
    expect(isIdentifying(table, fk('f2', ['parent'], 's.p', ['a']))).toBe(true);
  });

  it('partitionRoot climbs sub-partitions; partitionsByRoot and foldedStatistics add them up', () => {
    const root = tbl('s', 'events', [], { kind: 'partitioned', rowEstimate: null, totalBytes: 0 });
    const year = tbl('s', 'events_2025', [], { kind: 'partition', partitionOf: 's.events', rowEstimate: null, totalBytes: 0 });
    const month = tbl('s', 'events_2025_01', [], { kind: 'partition', partitionOf: 's.events_2025', rowEstimate: 10, totalBytes: 5 });
    const never = tbl('s', 'events_2025_02', [], { kind: 'partition', partitionOf: 's.events_2025', rowEstimate: null, totalBytes: 7 });
    const model = modelOf([root, year, month, never]);
    expect(partitionRoot(month, tablesById(model)).id).toBe('s.events');
    const folded = partitionsByRoot(model).get('s.events')!;
    expect(folded.map((t) => t.name)).toEqual(['events_2025', 'events_2025_01', 'events_2025_02']);
    expect(foldedStatistics(root, folded)).toEqual({ rowEstimate: 10, totalBytes: 12 });
    expect(foldedStatistics(root, [year, never])).toEqual({ rowEstimate: null, totalBytes: 7 });
  });

  it('incomingReferences indexes FKs by referenced table, clones left out', () => {
    const incoming = incomingReferences(platformModel().tables);
    expect(incoming.get('platform.users')!.map((r) => `${r.table.name}.${r.foreignKey.name}`)).toEqual([
      'usage_events.usage_events_user_id_fkey',
      'user_profiles.user_profiles_user_id_fkey',
    ]);
  });

  it('checkExpression unwraps CHECK (…) and NOT VALID', () => {
    expect(checkExpression('CHECK ((size_bytes >= 0))')).toBe('(size_bytes >= 0)');
    expect(checkExpression('CHECK ((a > b)) NOT VALID')).toBe('(a > b)');
    expect(checkExpression('weird')).toBe('weird');
  });
});
