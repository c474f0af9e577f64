import hljs from 'highlight.js/lib/core';
import pgsql from 'highlight.js/lib/languages/pgsql';

// Only the core and the one grammar Strata needs: the full highlight.js bundle is ~1 MB.
if (!hljs.getLanguage('pgsql')) hljs.registerLanguage('pgsql', pgsql);

/**
 * Highlights SQL as PostgreSQL and returns one HTML string per source line (a trailing newline
 * does not make an extra empty line). highlight.js escapes every character of the source it
 * emits (&, <, >, quotes), and the only markup it adds is `<span class="hljs-…">`, so the
 * strings are safe for dangerouslySetInnerHTML.
 */
export function highlightSqlLines(sql: string): string[] {
  const source = sql.endsWith('\n') ? sql.slice(0, -1) : sql;
  const html = hljs.highlight(source, { language: 'pgsql', ignoreIllegals: true }).value;
  return splitHighlightedLines(html);
}

/**
 * Splits highlight.js output at newlines so that every line is well-formed HTML on its own:
 * a token spanning lines (a block comment, a multi-line string, a `$$` body) is closed at the
 * end of each line and reopened at the start of the next, with the same classes.
 */
export function splitHighlightedLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let current = '';
  for (const [token] of html.matchAll(/<span[^>]*>|<\/span>|[^<]+|</g)) {
    if (token.startsWith('<span')) {
      open.push(token);
      current += token;
    } else if (token === '</span>') {
      open.pop();
      current += token;
    } else {
      const parts = token.split('\n');
      current += parts[0];
      for (const part of parts.slice(1)) {
        lines.push(current + '</span>'.repeat(open.length));
        current = open.join('') + part;
      }
    }
  }
  lines.push(current);
  return lines;
}
