import { bytesText, elapsedText } from '../rehearse/headlines';
import type { RehearsalReport } from '../rehearse/report';

/** The terminal rendering of a rehearsal: what `strata rehearse` prints without --json. */
export function rehearsalText(report: RehearsalReport): string {
  if (report.changeSets.length === 0) return `Nothing to rehearse on ${report.environment}: no pending change sets${report.to ? ` up to ${report.to}` : ''}. Nothing was copied.`;
  const rows = report.copy.tables.reduce((sum, t) => sum + t.rows, 0);
  const lines = [
    `Rehearsal of ${report.changeSets.length} change set(s) on a scratch copy of ${report.environment} (the target was only read)`,
    `Copy: schema ${elapsedText(report.copy.schemaMs)}, rows ${elapsedText(report.copy.dataMs)} (${rows.toLocaleString('en-US')} rows in ${report.copy.tables.length} table(s)${report.sample < 1 ? `, a ${+(report.sample * 100).toFixed(2)}% sample of unreferenced tables` : ''})`,
    ...report.copy.tables.map((t) => `    ${t.table}: ${t.rows.toLocaleString('en-US')} rows${t.masked.length ? `; masked ${t.masked.map((m) => `${m.column} (${m.how})`).join(', ')}` : ''}`),
    `Run on the copy: ${elapsedText(report.runMs)}, ${bytesText(report.walBytes)} WAL`,
    '',
  ];
  for (const c of report.changeSets) {
    const mark = c.status === 'ok' ? '✓' : c.status === 'failed' ? '✗' : '·';
    lines.push(`${mark} ${c.tag} ${c.status === 'not_run' ? 'not run (an earlier change set failed)' : elapsedText(c.wallMs)}${c.noTransaction ? ' (no transaction)' : ''}`);
    for (const s of c.statements) {
      const effects = [
        ...(s.rows !== null ? [`${s.rows.toLocaleString('en-US')} rows`] : []),
        ...(s.rewritten.length ? [`rewrote ${s.rewritten.join(', ')}`] : []),
        `${bytesText(s.walBytes)} WAL`,
        ...(s.tempFiles ? [`${s.tempFiles} temp file(s), ${bytesText(s.tempBytes)}`] : []),
      ];
      lines.push(`    statement ${s.index + 1} (line ${s.line}) ${elapsedText(s.wallMs)}: ${s.summary}`, `      ${effects.join('; ')}`);
      for (const l of s.locks.filter((l) => l.kind !== 'index')) lines.push(`      ${l.mode} on ${l.relation}, held ${elapsedText(l.heldMs)}`);
    }
    if (c.error) lines.push(`    failed on the copy: ${c.error}`);
  }
  lines.push('', report.headlines.length ? 'Headlines:' : 'No blocking locks and no rows written.', ...report.headlines.map((h) => `  ${h}`));
  if (!report.tempMeasured) lines.push('', "Temp files were not measured: the scratch server's role may not set log_temp_files (a superuser may).");
  lines.push('', report.scratchDropped ? `The scratch copy was dropped (${elapsedText(report.dropMs)}). Nothing was changed on the target.` : 'The scratch copy could not be dropped; the next shadow sweep removes it. Nothing was changed on the target.');
  return lines.join('\n');
}
