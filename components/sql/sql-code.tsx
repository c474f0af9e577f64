import type { CSSProperties } from 'react';
import './sql-code.css';
import { highlightSqlLines } from './highlight';

/**
 * A syntax-highlighted, line-numbered SQL block that scrolls sideways instead of wrapping.
 * It has no state and no effects, so it renders on the server and in client components alike.
 * Line numbers come from CSS (`::before`), so copying the code never copies them.
 */
export function SqlCode({ sql, label = 'SQL', startLine = 1 }: { sql: string; label?: string; startLine?: number }) {
  const lines = highlightSqlLines(sql);
  const gutter = String(startLine + lines.length - 1).length;
  return (
    <figure aria-label={label} data-testid="sql-code" className="min-w-0 overflow-hidden rounded-lg border border-zinc-200 bg-zinc-50">
      <pre
        // Keyboard users must be able to reach (and so scroll) a block wider than the screen.
        tabIndex={0}
        style={{ '--sql-gutter': `${gutter}ch` } as CSSProperties}
        className="sql-code sql-hl overflow-x-auto py-2 font-mono text-xs leading-5 text-zinc-800"
      >
        <code className="block w-max min-w-full">
          {lines.map((html, i) => (
            <span
              key={i}
              className="sql-line"
              data-line={startLine + i}
              // Safe: highlight.js escapes the SQL it highlights and adds only its own <span> tags.
              dangerouslySetInnerHTML={{ __html: html }}
            />
          ))}
        </code>
      </pre>
    </figure>
  );
}
