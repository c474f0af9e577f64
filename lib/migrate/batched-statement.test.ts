import { describe, expect, it } from 'vitest';
import { loadParser } from '../changesets/statements';
import { parseSync, type Node } from 'libpg-query';
import { BatchShapeError, batchTargetOf, keyRangeCondition, restrictStatement } from './batched-statement';

await loadParser();
const node = (sql: string) => parseSync(sql).stmts![0]!.stmt as Node;
const restrict = (sql: string, condition = 'K') => restrictStatement(sql, batchTargetOf(node(sql)), condition);
const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('batchTargetOf', () => {
  it('names the UPDATE\'s or DELETE\'s table, with its alias, and the first table an INSERT … SELECT reads', () => {
    expect(batchTargetOf(node('update s.t as x set n = 1'))).toEqual({ kind: 'update', schema: 's', name: 't', qualifier: 'x', inherit: true });
    expect(batchTargetOf(node('delete from only t where a'))).toEqual({ kind: 'delete', schema: null, name: 't', qualifier: 't', inherit: false });
    expect(batchTargetOf(node('insert into d select * from a.src s join b on true'))).toMatchObject({ kind: 'insert-select', schema: 'a', name: 'src', qualifier: 's' });
  });

  it('refuses an INSERT … SELECT without a table first in its FROM, or a UNION', () => {
    expect(() => batchTargetOf(node('insert into d select * from (select 1) q'))).toThrow(BatchShapeError);
    expect(() => batchTargetOf(node('insert into d select 1'))).toThrow(/must read a table first in its FROM/);
    expect(() => batchTargetOf(node('insert into d select a from x union select a from y'))).toThrow(/UNION/);
  });
});

describe('restrictStatement', () => {
  it('ANDs the key range to the statement\'s own WHERE, kept in parentheses, before RETURNING', () => {
    expect(squash(restrict("update t set n = 1 where a = 'where' or b returning id"))).toBe("update t set n = 1 where ( a = 'where' or b ) AND K returning id");
  });

  it('adds a WHERE where there is none, after a trailing comment and a FROM', () => {
    expect(squash(restrict('update t set n = u.v from u -- the source\n'))).toBe('update t set n = u.v from u -- the source WHERE K');
    expect(restrict('update t set n = u.v from u -- the source')).toMatch(/-- the source\nWHERE K/);
  });

  it('ignores WHERE inside subqueries, strings, quoted names and comments, and keeps multibyte text intact', () => {
    const sql = `update t set n = (select max(v) from u where u.id = t.id), "where" = 'é where' /* where */ where t.k > 'ü'`;
    expect(squash(restrict(sql))).toBe(`update t set n = (select max(v) from u where u.id = t.id), "where" = 'é where' /* where */ where ( t.k > 'ü' ) AND K`);
  });

  it('restricts the SELECT of an INSERT, before ON CONFLICT, GROUP BY and ORDER BY', () => {
    expect(squash(restrict('insert into d (a) select s.a from src s join o on o.id = s.id on conflict do nothing'))).toBe(
      'insert into d (a) select s.a from src s join o on o.id = s.id WHERE K on conflict do nothing',
    );
    expect(squash(restrict('insert into d select a, count(*) from src where a > 0 group by a order by a'))).toBe('insert into d select a, count(*) from src where ( a > 0 ) AND K group by a order by a');
  });

  it('builds row comparisons for composite keys, qualified and cast', () => {
    const keys = [{ name: 'id', type: 'bigint' }, { name: 'at', type: 'timestamp with time zone' }];
    expect(keyRangeCondition('x', keys, { lower: true, upper: true })).toBe('("x"."id", "x"."at") > ($1::bigint, $2::timestamp with time zone) AND ("x"."id", "x"."at") <= ($3::bigint, $4::timestamp with time zone)');
    expect(keyRangeCondition('x', keys.slice(0, 1), { lower: false, upper: true })).toBe('("x"."id") <= ($1::bigint)');
  });
});
