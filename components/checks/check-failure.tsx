import type { FailureInfo } from '@/lib/migrate/statement-outcome';

/**
 * A failing check in full, wherever a failure is shown (dry run, operation outcome): its file
 * and line, its comment, and the rows it returned — at most ten, with the columns the
 * project classifies PII or secret masked and named as masked.
 */
export function CheckFailureDetails({ error }: { error: FailureInfo }) {
  const check = error.check;
  if (!check) return null;
  const masked = new Set(check.masked.map((m) => m.column));
  return (
    <div data-testid="check-failure" className="flex flex-col gap-2 text-sm">
      <p>
        <span className="font-semibold">{check.phase === 'before' ? 'Before-check' : 'Check'}</span>{' '}
        <span className="font-mono break-all">
          {check.file}:{check.line}
        </span>
        {check.comment && (
          <>
            {' '}
            — <q data-testid="check-comment">{check.comment}</q>
          </>
        )}
      </p>
      {check.rowCount === null ? (
        <p className="font-mono break-words">{error.message}</p>
      ) : (
        <p data-testid="check-row-count">
          It returned {check.rowCount} {check.rowCount === 1 ? 'row' : 'rows'} and must return none
          {check.rowCount > check.rows.length ? ` (the first ${check.rows.length} shown)` : ''}.
        </p>
      )}
      {check.rows.length > 0 && (
        <div className="overflow-x-auto rounded border border-red-200 bg-white">
          <table data-testid="check-rows" className="min-w-full text-left font-mono text-xs text-zinc-900">
            <caption className="sr-only">Rows the check returned</caption>
            <thead className="bg-red-50">
              <tr>
                {check.columns.map((column, i) => (
                  <th key={i} scope="col" className="px-2 py-1 font-semibold" data-masked={masked.has(column) ? 'true' : 'false'}>
                    {column}
                    {masked.has(column) && <span className="ml-1 font-sans font-normal text-red-700">(masked)</span>}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {check.rows.map((row, r) => (
                <tr key={r} className="border-t border-red-100">
                  {row.map((value, i) => (
                    <td key={i} className={`px-2 py-1 ${value === null ? 'text-zinc-400' : ''}`}>
                      {value ?? 'null'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {check.masked.length > 0 && (
        <p data-testid="check-masked" className="text-xs">
          Masked: {check.masked.map((m) => `${m.column} (${m.because})`).join('; ')}.
        </p>
      )}
      <pre className="overflow-x-auto rounded bg-white p-2 font-mono text-xs">{check.sql}</pre>
    </div>
  );
}
