'use client';

import '@/components/sql/sql-code.css';
import { useMemo, type CSSProperties } from 'react';
import type { SchemaModel } from '@/lib/introspect/schema-model';
import { renderSchemaDdl } from '@/lib/diff/render-ddl';
import { highlightSqlLines } from '@/components/sql/highlight';
import { collapseContext, countChanges, diffTextLines, type DiffRow } from './ddl-diff-lines';
import { plural } from './format';

const ROW_STYLE: Record<DiffRow['type'], { row: string; sign: string; mark: string }> = {
  added: { row: 'bg-emerald-50', sign: 'text-emerald-700', mark: '+' },
  removed: { row: 'bg-red-50', sign: 'text-red-700', mark: '−' },
  context: { row: '', sign: 'text-zinc-400', mark: ' ' },
  skip: { row: 'bg-zinc-100', sign: 'text-zinc-500', mark: '' },
};

/**
 * The DDL of the schema before and after, as a unified diff: removed lines red with "−",
 * added lines green with "+", both line numbers, and unchanged stretches folded to three
 * lines of context either side. `tables` limits both renderings to those tables.
 */
export function DdlDiff({ before, after, tables }: { before: SchemaModel; after: SchemaModel; tables?: string[] }) {
  const view = useMemo(() => {
    const options = tables ? { tables } : undefined;
    const beforeDdl = renderSchemaDdl(before, options);
    const afterDdl = renderSchemaDdl(after, options);
    const lines = diffTextLines(beforeDdl, afterDdl);
    return {
      rows: collapseContext(lines, 3),
      counts: countChanges(lines),
      // Highlighted whole, then split, so that multi-line tokens colour correctly.
      beforeHtml: highlightSqlLines(beforeDdl),
      afterHtml: highlightSqlLines(afterDdl),
      width: String(Math.max(lines.length, 1)).length,
    };
  }, [before, after, tables]);

  if (view.counts.added === 0 && view.counts.removed === 0) {
    return (
      <p data-testid="ddl-diff" data-empty="true" className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600">
        The DDL is the same before and after.
      </p>
    );
  }

  return (
    <figure aria-label="DDL before and after" data-testid="ddl-diff" className="flex min-w-0 flex-col overflow-hidden rounded-lg border border-zinc-200 bg-white">
      <figcaption className="flex flex-wrap gap-x-4 border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-xs text-zinc-600">
        <span className="font-medium text-emerald-700">+{plural(view.counts.added, 'line')} added</span>
        <span className="font-medium text-red-700">−{plural(view.counts.removed, 'line')} removed</span>
      </figcaption>
      <pre
        tabIndex={0}
        style={{ '--ddl-num': `${view.width}ch` } as CSSProperties}
        className="sql-hl overflow-x-auto font-mono text-xs leading-5 text-zinc-800"
      >
        <code className="block w-max min-w-full py-1">
          {view.rows.map((row, i) => {
            const style = ROW_STYLE[row.type];
            if (row.type === 'skip') {
              return (
                <span key={i} data-testid="ddl-diff-skip" className={`block px-3 py-0.5 text-zinc-500 italic select-none ${style.row}`}>
                  … {plural(row.count, 'unchanged line')}
                </span>
              );
            }
            const html = row.type === 'removed' ? view.beforeHtml[(row.oldLine ?? 1) - 1] : view.afterHtml[(row.newLine ?? 1) - 1];
            return (
              <span key={i} data-testid="ddl-diff-line" data-type={row.type} className={`flex ${style.row}`}>
                <span aria-hidden="true" className="w-[var(--ddl-num)] shrink-0 box-content pl-3 pr-1 text-right text-zinc-400 select-none">
                  {row.oldLine ?? ''}
                </span>
                <span aria-hidden="true" className="mr-1 w-[var(--ddl-num)] shrink-0 box-content border-r border-zinc-200 pr-2 pl-1.5 text-right text-zinc-400 select-none">
                  {row.newLine ?? ''}
                </span>
                <span className={`w-4 shrink-0 text-center font-semibold select-none ${style.sign}`}>
                  <span aria-hidden="true">{style.mark}</span>
                  {row.type !== 'context' && <span className="sr-only">{row.type === 'added' ? 'added: ' : 'removed: '}</span>}
                </span>
                <span
                  className="pr-4 whitespace-pre"
                  // Safe: highlight.js escapes the DDL it highlights and adds only its own <span> tags.
                  dangerouslySetInnerHTML={{ __html: html ?? '' }}
                />
              </span>
            );
          })}
        </code>
      </pre>
    </figure>
  );
}
