import { describe, expect, it } from 'vitest';
import { highlightSqlLines, splitHighlightedLines } from './highlight';

describe('highlightSqlLines', () => {
  it('returns one line per source line, with no extra line for a trailing newline', () => {
    const lines = highlightSqlLines('SELECT 1;\nSELECT 2;\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('<span class="hljs-keyword">SELECT</span>');
  });

  it('escapes HTML in the SQL', () => {
    const [line] = highlightSqlLines("SELECT '<script>alert(1)</script>' & 1");
    expect(line).not.toContain('<script>');
    expect(line).toContain('&lt;script&gt;');
  });

  it('keeps empty lines', () => {
    expect(highlightSqlLines('SELECT 1;\n\nSELECT 2;')).toHaveLength(3);
  });
});

describe('splitHighlightedLines', () => {
  it('closes and reopens a token that spans lines', () => {
    const html = 'a <span class="hljs-comment">/* one\ntwo */</span> b';
    expect(splitHighlightedLines(html)).toEqual(['a <span class="hljs-comment">/* one</span>', '<span class="hljs-comment">two */</span> b']);
  });

  it('reopens nested spans in order', () => {
    const html = '<span class="x"><span class="y">1\n2</span>3</span>';
    expect(splitHighlightedLines(html)).toEqual(['<span class="x"><span class="y">1</span></span>', '<span class="x"><span class="y">2</span>3</span>']);
  });

  it('returns a single empty line for empty input', () => {
    expect(splitHighlightedLines('')).toEqual(['']);
  });
});
