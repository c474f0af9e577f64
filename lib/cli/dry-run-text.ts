import type { DryRunResult } from '../migrate/dry-run-types';
import { waitedText } from '../migrate/lock-wait';
import type { DriftReport } from '../migrate/drift';
import type { SchemaDiff } from '../diff/types';
import { checkFailureLines, checkOutcomeLine } from './check-text';

/** `batched: about 400 batches of 1,000 rows (400,000 rows), about 2 min with pauses of 100 ms`. */
export function batchEstimateText(b: NonNullable<DryRunResult['changeSets'][number]['statements'][number]['batches']>): string {
  const n = (x: number) => x.toLocaleString('en');
  const pauses = b.pauseMs > 0 ? ` with pauses of ${b.pauseMs} ms` : '';
  return `batched: about ${n(b.batches)} batch${b.batches === 1 ? '' : 'es'} of ${n(b.size)} rows (${n(b.rows)} rows), about ${waitedText(b.estimatedMs)}${pauses}`;
}

/** The terminal rendering of a dry run: what `strata plan` prints without --json. */
export function dryRunText(result: DryRunResult): string {
  const where = result.mode === 'transaction' ? 'in a rolled-back transaction on the target' : 'on a shadow database (the target was only read)';
  const lines = [
    `Dry run of ${result.direction} on ${result.environment ?? 'the database'}, ${where}: ${result.changeSets.length} change set(s) in ${result.durationMs} ms`,
    ...(result.modeReason ? [`It ran on a shadow database instead of the target: ${result.modeReason}.`] : []),
    ...(result.mode === 'transaction' ? [`Limits on the target: lock_timeout ${result.limits.lockTimeoutMs} ms, statement_timeout ${result.limits.statementTimeoutMs} ms.`] : []),
    '',
  ];
  for (const c of result.changeSets) {
    const mark = c.status === 'ok' ? '✓' : c.status === 'failed' ? '✗' : '·';
    lines.push(`${mark} ${c.tag} ${c.status === 'not_run' ? 'not run (an earlier change set failed)' : `${c.durationMs} ms, ${c.rows} rows`}`);
    for (const s of c.statements) {
      const locks = s.locks.filter((l) => l.mode === 'AccessExclusiveLock').map((l) => `ACCESS EXCLUSIVE ${l.relation} ~${Math.round(l.heldMs)} ms`);
      const note = [s.skipped ? 'skipped' : null, s.label, ...locks, s.batches ? batchEstimateText(s.batches) : null].filter(Boolean).join('; ');
      if (note) lines.push(`    statement ${s.index + 1} (line ${s.line}): ${note}`);
    }
    for (const check of c.checks) lines.push(`    ${checkOutcomeLine(check)}`);
    if (c.error?.check) {
      lines.push(...checkFailureLines(c.error, 'would fail', '    '));
    } else if (c.error) {
      lines.push(`    ${c.error.file}:${c.error.line}: statement ${c.error.statementIndex + 1} would fail: ${c.error.message}`);
      if (c.error.detail) lines.push(`      detail: ${c.error.detail}`);
      if (c.error.hint) lines.push(`      hint: ${c.error.hint}`);
    }
  }
  lines.push('', ...diffText(result.diff));
  if (result.risks.length) lines.push('', 'Risks:', ...result.risks.map((r) => `  [${r.severity}] ${r.message}`));
  if (result.backupTables.length) {
    lines.push('', `A real run first copies, and verifies, what it destroys in: ${result.backupTables.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}`);
  }
  if (result.sequenceGaps.length) {
    lines.push('', `Sequences it advanced are not set back (that could collide with values taken meanwhile): ${result.sequenceGaps.map((g) => `${g.sequence} ${g.before ?? 'unused'} → ${g.after}`).join(', ')}`);
  }
  lines.push('', result.sequenceGaps.length ? 'Nothing else was changed.' : 'Nothing was changed.');
  return lines.join('\n');
}

export function diffText(diff: SchemaDiff): string[] {
  if (diff.changes.length === 0) return ['No schema changes.'];
  const { added, removed, changed } = diff.summary;
  return [
    `Schema changes: ${added} added, ${removed} removed, ${changed} changed`,
    ...diff.changes.map((c) => {
      const sign = c.action === 'added' ? '+' : c.action === 'removed' ? '-' : '~';
      // Schemas and extensions belong to no table; tables, enums and views are named by their own id.
      const what = c.table === null || c.kind === 'table' || c.kind === 'enum' || c.kind === 'view' ? c.name : `${c.table}.${c.name}`;
      const detail = c.action === 'changed' ? ` (${c.attributes.join(', ')}): ${c.before} → ${c.after}` : '';
      return `  ${sign} ${c.kind.replace('_', ' ')} ${what}${detail}`;
    }),
  ];
}

export function driftText(report: DriftReport): string {
  const head = report.drifted
    ? `${report.environment ?? 'The database'} has drifted from its ${report.applied.length} applied change sets:`
    : `${report.environment ?? 'The database'} matches its ${report.applied.length} applied change sets (no drift).`;
  return [head, ...(report.drifted ? diffText(report.diff).slice(1) : []), `Checked in ${report.durationMs} ms.`].join('\n');
}
