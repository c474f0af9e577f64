import { describe, expect, it } from 'vitest';
import { changedTableIds, hasNoChanges, schemaChanges } from './changes';
import { col, modelOf, tbl } from '../../test/erd/test-model';

const before = modelOf([
  tbl('app', 'users', [col('id', 'bigint', { nullable: false }), col('email', 'text'), col('nick', 'text'), col('age', 'int')]),
  tbl('app', 'legacy', [col('id', 'int')]),
  tbl('app', 'same', [col('id', 'int')]),
]);
const after = modelOf([
  tbl('app', 'users', [
    col('id', 'bigint', { nullable: false }),
    col('email', 'character varying(320)', { nullable: false }),
    col('age', 'int', { default: '0' }),
    col('handle', 'text'),
  ]),
  tbl('app', 'same', [col('id', 'int')]),
  tbl('app', 'orders', [col('id', 'int')]),
]);

describe('schemaChanges', () => {
  it('lists added and removed tables, and per changed table its column changes', () => {
    expect(schemaChanges(before, after)).toEqual({
      addedTables: ['app.orders'],
      removedTables: ['app.legacy'],
      changedTables: {
        'app.users': {
          addedColumns: ['handle'],
          removedColumns: ['nick'],
          changedColumns: [
            {
              name: 'age',
              changed: ['default'],
              previous: { type: 'int', nullable: true, default: null },
              next: { type: 'int', nullable: true, default: '0' },
            },
            {
              name: 'email',
              changed: ['type', 'nullable'],
              previous: { type: 'text', nullable: true, default: null },
              next: { type: 'character varying(320)', nullable: false, default: null },
            },
          ],
        },
      },
    });
  });

  it('reports nothing for identical models', () => {
    const changes = schemaChanges(after, structuredClone(after));
    expect(changes).toEqual({ addedTables: [], removedTables: [], changedTables: {} });
    expect(hasNoChanges(changes)).toBe(true);
  });

  it('changedTableIds gives what the ERD highlights: added and changed tables', () => {
    const changes = schemaChanges(before, after);
    expect([...changedTableIds(changes)].sort()).toEqual(['app.orders', 'app.users']);
    expect(hasNoChanges(changes)).toBe(false);
  });
});
