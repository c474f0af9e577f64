import { describe, expect, it } from 'vitest';
import { splitStatements } from './statements';
import { isStrataError } from '../errors';
import type { SqlFile } from './project';

const file = (text: string, noTransaction = true): SqlFile => ({ file: 'migrations/0001_fill.sql', text, checksum: 'x', noTransaction });

async function refusal(text: string, noTransaction = true): Promise<string> {
  try {
    await splitStatements(file(text, noTransaction));
  } catch (error) {
    expect(isStrataError(error, 'MALFORMED_PROJECT')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the split to refuse the file');
}

describe('-- strata:batched', () => {
  it('reads size and pause from the comment line above a statement, and only there', async () => {
    const statements = await splitStatements(
      file(
        [
          '-- strata:no-transaction',
          'ALTER TABLE t ADD COLUMN n int;',
          '--> statement-breakpoint',
          '-- fill it in slices',
          '-- strata:batched size=500 pause=20ms',
          'UPDATE t SET n = 0 WHERE n IS NULL;',
          '--> statement-breakpoint',
          "UPDATE t SET note = '-- strata:batched size=9';",
          '--> statement-breakpoint',
          '-- strata:batched',
          'DELETE FROM t WHERE n < 0;',
          '--> statement-breakpoint',
          '-- strata:batched pause=2s',
          'INSERT INTO u (id) SELECT id FROM t;',
        ].join('\n'),
      ),
    );
    expect(statements.map((s) => s.batched)).toEqual([null, { size: 500, pauseMs: 20 }, null, { size: 1000, pauseMs: 0 }, { size: 1000, pauseMs: 2000 }]);
  });

  it('refuses what cannot be batched, naming the file, line and reason', async () => {
    expect(await refusal('-- strata:batched size=10\nUPDATE t SET n = 1;', false)).toMatch(/0001_fill\.sql:2: strata:batched needs a -- strata:no-transaction change set/);
    expect(await refusal('-- strata:no-transaction\n-- strata:batched\nALTER TABLE t ADD COLUMN n int;')).toMatch(/:3: strata:batched: only an UPDATE, a DELETE or an INSERT … SELECT can be batched, not AlterTable/);
    expect(await refusal("-- strata:no-transaction\n-- strata:batched\nINSERT INTO t VALUES (1);")).toMatch(/only when its rows come from a SELECT/);
    expect(await refusal('-- strata:no-transaction\n-- strata:batched size=0\nUPDATE t SET n = 1;')).toMatch(/size 0 is outside 1–1,000,000/);
    expect(await refusal('-- strata:no-transaction\n-- strata:batched size=ten\nUPDATE t SET n = 1;')).toMatch(/size "ten" is not a whole number/);
    expect(await refusal('-- strata:no-transaction\n-- strata:batched pause=200\nUPDATE t SET n = 1;')).toMatch(/pause "200" needs a unit/);
    expect(await refusal('-- strata:no-transaction\n-- strata:batched rows=5\nUPDATE t SET n = 1;')).toMatch(/has no option "rows"/);
    expect(await refusal('-- strata:no-transaction\n-- strata:batched size=5 size=6\nUPDATE t SET n = 1;')).toMatch(/"size" is given twice/);
  });
});
