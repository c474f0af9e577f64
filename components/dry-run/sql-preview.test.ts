import { describe, expect, it } from 'vitest';
import { previewSql } from './sql-preview';

describe('previewSql', () => {
  it('leaves a short statement whole', () => {
    expect(previewSql('ALTER TABLE a ADD COLUMN b int;\n')).toEqual({ text: 'ALTER TABLE a ADD COLUMN b int;', truncated: false, lines: 1 });
  });

  it('keeps the first lines of a long statement', () => {
    const sql = ['CREATE TABLE t (', '  a int,', '  b int,', '  c int,', '  d int', ');'].join('\n');
    expect(previewSql(sql, 4)).toEqual({ text: 'CREATE TABLE t (\n  a int,\n  b int,\n  c int,', truncated: true, lines: 6 });
  });

  it('cuts a very long line with an ellipsis', () => {
    const preview = previewSql(`SELECT ${'x, '.repeat(300)}1`, 4, 50);
    expect(preview.truncated).toBe(true);
    expect(preview.text.endsWith('…')).toBe(true);
    expect(preview.text.length).toBeLessThanOrEqual(51);
  });
});
