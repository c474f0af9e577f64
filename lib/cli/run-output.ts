import { backupNotes, copiedText, undoAdvice } from '../backup/backup-record';
import type { AuditVerdict } from '../console/audited';
import type { RunResult } from '../migrate/apply';
import { waitedText } from '../migrate/lock-wait';
import type { ProgressEvent } from '../migrate/run-context';
import { checkFailureLines, noTransactionAfterFailure } from './check-text';
import type { CommandOutput } from './command';

/** What `apply` and `rollback` print: one line per change set run, the backup taken first, and a failure in full. */
export function runOutput(result: RunResult, verb: string): CommandOutput {
  // A change set that waited out a lock holder says whom it waited for, before its own line.
  const lines = result.records.flatMap((r) => [
    ...(r.lockWaits ?? []).map((w) => `… ${w.message}`),
    `${r.status === 'failed' ? '✗' : '✓'} ${r.tag} ${r.status} in ${r.durationMs}ms (${r.statements} statements, ${r.rowsAffected} rows)`,
    ...(r.notes ? [`  ${r.notes}`] : []),
  ]);
  if (!result.records.length) lines.push(`Nothing to ${verb}.`);
  for (const backup of [...result.backups].reverse()) {
    lines.unshift(
      `Backed up before ${backup.changeSet}, verified: ${backup.tables.map(copiedText).join(', ')} into ${backup.id}`,
      `  ${undoAdvice(backup)} (npx strata backup restore ${backup.id} with the same --env or --database-url)`,
    );
  }
  if (result.pruned.length) lines.push('', `Pruned ${result.pruned.length} old backup${result.pruned.length === 1 ? '' : 's'}: ${result.pruned.map((p) => `${p.id} (${p.why})`).join(', ')}`);
  if (result.failed?.error?.check) {
    const e = result.failed.error;
    lines.push('', ...checkFailureLines(e, 'failed', ''), e.noTransaction ? noTransactionAfterFailure(e) : 'Its transaction was rolled back; nothing after it ran.');
  } else if (result.failed?.error) {
    const e = result.failed.error;
    lines.push(
      '',
      `${e.file}:${e.line}: statement ${e.statementIndex + 1} failed: ${e.message}`,
      ...(e.detail ? [`  detail: ${e.detail}`] : []),
      ...(e.hint ? [`  hint: ${e.hint}`] : []),
      `  ${e.statement.split('\n').join('\n  ')}`,
      e.noTransaction
        ? noTransactionAfterFailure(e)
        : 'Its transaction was rolled back; nothing after it ran.',
    );
  }
  if (result.skippedOutOfOrder.length) {
    lines.push('', `Out of order, not applied (use --include-out-of-order): ${result.skippedOutOfOrder.join(', ')}`);
  }
  return { code: result.failed ? 1 : 0, text: lines.join('\n'), json: result };
}

/** The audit verdict of a run: failed when a change set failed, with the change sets it ran. */
export const runVerdict = (r: RunResult): AuditVerdict => ({
  outcome: r.failed ? 'failed' : 'ok',
  target: r.records.map((x) => x.tag).join(', ') || null,
  detail: [r.failed?.error?.message, ...backupNotes(r)].filter(Boolean).join('; ') || null,
});


/**
 * One line of a batched statement's progress, as the CLI prints it while it runs:
 * `0019_fill: statement 2: batch 143 of 400 · 142,000 of 400,000 rows · 12,345 rows/s · ETA 21 s`,
 * or why it waits before the next batch.
 */
export function batchProgressText(event: Extract<ProgressEvent, { type: 'batch' }>): string {
  const n = (x: number) => x.toLocaleString('en');
  const head = `${event.tag}: statement ${event.statementIndex + 1}`;
  if (event.throttle) return `${head}: ${event.throttle.message}`;
  const eta = event.etaMs === null ? '' : ` · ETA ${waitedText(event.etaMs)}`;
  const resumed = event.resumedAtBatch !== null ? ` (resumed at batch ${n(event.resumedAtBatch)})` : '';
  return `${head}: batch ${n(event.batches)} of ${n(event.totalBatches)} · ${n(event.rowsDone)} of ${n(event.totalRows)} rows · ${n(event.rowsPerSecond)} rows/s${eta}${resumed}`;
}

/**
 * The CLI's live progress: batched statements' lines on stderr (stdout keeps the result, so
 * --json stays machine-readable), at most one a second, plus the last batch and every throttle.
 */
export function cliProgress(write: (line: string) => unknown = (line) => process.stderr.write(line)): (event: ProgressEvent) => void {
  let lastAt = 0;
  return (event) => {
    if (event.type !== 'batch') return;
    const now = Date.now();
    if (!event.throttle && event.etaMs !== 0 && now - lastAt < 1_000) return;
    lastAt = now;
    write(`… ${batchProgressText(event)}\n`);
  };
}
