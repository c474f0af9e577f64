import { describe, expect, it } from 'vitest';
import { collapseContext, countChanges, diffTextLines, type DiffLine } from './ddl-diff-lines';

const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe('diffTextLines', () => {
  it('numbers lines in the text they come from', () => {
    const lines = diffTextLines('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(lines).toEqual([
      { type: 'context', oldLine: 1, newLine: 1, text: 'a' },
      { type: 'removed', oldLine: 2, newLine: null, text: 'b' },
      { type: 'added', oldLine: null, newLine: 2, text: 'B' },
      { type: 'context', oldLine: 3, newLine: 3, text: 'c' },
      { type: 'added', oldLine: null, newLine: 4, text: 'd' },
    ]);
  });

  it('ignores a missing newline at the end', () => {
    expect(countChanges(diffTextLines('a\nb', 'a\nb\n'))).toEqual({ added: 0, removed: 0 });
  });

  it('handles empty texts', () => {
    expect(diffTextLines('', '')).toEqual([]);
    expect(diffTextLines('', 'x\n')).toEqual([{ type: 'added', oldLine: null, newLine: 1, text: 'x' }]);
  });
});

describe('collapseContext', () => {
  it('keeps three lines of context around a change and folds the rest', () => {
    const before = numbered(1, 20).join('\n');
    const after = numbered(1, 20).map((l) => (l === 'line 10' ? 'line ten' : l)).join('\n');
    const rows = collapseContext(diffTextLines(before, after), 3);
    expect(rows[0]).toEqual({ type: 'skip', count: 6, oldLine: 1, newLine: 1 });
    expect(rows.slice(1, 4).map((r) => (r as DiffLine).text)).toEqual(['line 7', 'line 8', 'line 9']);
    expect(rows[4]).toMatchObject({ type: 'removed', text: 'line 10' });
    expect(rows[5]).toMatchObject({ type: 'added', text: 'line ten' });
    expect(rows.slice(6, 9).map((r) => (r as DiffLine).text)).toEqual(['line 11', 'line 12', 'line 13']);
    expect(rows[9]).toEqual({ type: 'skip', count: 7, oldLine: 14, newLine: 14 });
    expect(rows).toHaveLength(10);
  });

  it('merges the context of nearby changes instead of folding between them', () => {
    const before = numbered(1, 12).join('\n');
    const after = numbered(1, 12).map((l) => (l === 'line 3' || l === 'line 9' ? `${l}!` : l)).join('\n');
    const rows = collapseContext(diffTextLines(before, after), 3);
    expect(rows.some((r) => r.type === 'skip')).toBe(false);
  });

  it('shows a single unchanged line rather than a separator for it', () => {
    const before = numbered(1, 9).join('\n');
    const after = numbered(1, 9).map((l) => (l === 'line 5' ? 'five' : l)).join('\n');
    const rows = collapseContext(diffTextLines(before, after), 3);
    expect(rows[0]).toMatchObject({ type: 'context', text: 'line 1' });
    expect(rows.filter((r) => r.type === 'skip')).toHaveLength(0);
  });

  it('folds everything when nothing changed', () => {
    const text = numbered(1, 10).join('\n');
    expect(collapseContext(diffTextLines(text, text))).toEqual([{ type: 'skip', count: 10, oldLine: 1, newLine: 1 }]);
  });
});
