import type { DryRunChangeSet, DryRunResult } from '../../migrate/dry-run-types';
import type { LintFinding } from '../../lint/types';
import { checkFailureLines } from '../check-text';
import { diffText } from '../dry-run-text';

/**
 * `strata plan --format markdown`: the dry run as a pull-request comment — change sets,
 * schema diff, risks, locks, lint — in GitHub-flavoured Markdown. It is deterministic: the
 * same project on the same schema gives the same comment byte for byte, so a bot can update
 * its comment only when the plan changed. Hence no timings: durations and how long a lock was
 * held vary run to run, so locks are listed by statement and mode, and the lock risks (whose
 * text carries the measured time) are folded into the locks section with their severity.
 */

/** Modes that block writes or more, as PostgreSQL names them in pg_locks, and as people say them. */
const BLOCKING_MODES: Record<string, string> = {
  AccessExclusiveLock: 'ACCESS EXCLUSIVE (blocks reads and writes)',
  ExclusiveLock: 'EXCLUSIVE (blocks writes)',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE (blocks writes)',
  ShareLock: 'SHARE (blocks writes)',
};

/**
 * Words from messages (lint, risks, failures) as Markdown text: GitHub's sanitizer removes what
 * looks like an HTML tag (`rollback/<tag>.sql` would lose `<tag>`), and `_`, `*`, `[`, `|` would
 * turn into emphasis, links or table cells. Backticks stay: messages quote code with them.
 */
export function prose(text: string): string {
  return text.replace(/[\\*_[\]<>|]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/** A fenced block whose fence is longer than any run of backticks inside it (SQL or identifiers may hold some). */
function fenced(info: string, body: string[]): string[] {
  const longest = Math.max(0, ...body.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...body, fence];
}

export function planMarkdown(result: DryRunResult): string {
  const target = result.environment ? `\`${result.environment}\`` : 'the database';
  const where = result.mode === 'transaction' ? 'in a rolled-back transaction on the target' : 'on a shadow database (the target was only read)';
  const verdict = result.failed
    ? `❌ **\`${result.failed.tag}\` would fail**: nothing after it ran.`
    : result.changeSets.length === 0
      ? '✅ Nothing to do: no change set is pending.'
      : `✅ All ${result.changeSets.length} change set(s) would succeed.`;
  const lines = [`## Strata plan: ${result.direction} on ${target}`, '', `Dry run ${where}. ${verdict}`];
  if (result.modeReason) lines.push('', `It ran on a shadow database instead of the target: ${prose(result.modeReason)}.`);
  if (result.changeSets.length) lines.push('', ...changeSetTable(result.changeSets));
  if (result.failed?.error) lines.push('', '### Failure', '', ...fenced('', failureLines(result.failed)));
  lines.push('', '### Schema diff', '', ...diffLines(result));
  lines.push('', '### Risks', '', ...riskLines(result));
  lines.push('', '### Locks', '', ...lockLines(result));
  lines.push('', '### Lint', '', ...lintLines(result.changeSets));
  if (result.backupTables.length) {
    lines.push('', `A real run first copies, and verifies, what it destroys in: ${result.backupTables.map((t) => `\`${t.table}\` (${t.rows} rows)`).join(', ')}.`);
  }
  if (result.sequenceGaps.length) {
    // Their values move with every dry run, so only their names are given.
    lines.push('', `Sequences it advanced are not set back: ${result.sequenceGaps.map((g) => `\`${g.sequence}\``).join(', ')}.`);
  }
  lines.push('', `<sub>\`strata plan --format markdown\` · nothing ${result.sequenceGaps.length ? 'else ' : ''}was changed</sub>`);
  return lines.join('\n');
}

function changeSetTable(changeSets: DryRunChangeSet[]): string[] {
  const mark = (c: DryRunChangeSet) => (c.status === 'ok' ? '✅' : c.status === 'failed' ? '❌' : '⏸️ not run');
  const rows = changeSets.map((c) => {
    const notes = [c.noTransaction ? 'no transaction' : null, c.checks.length ? `${c.checks.filter((k) => k.status === 'passed').length}/${c.checks.length} checks passed` : null];
    const batched = c.statements.filter((s) => s.batches).length;
    if (batched) notes.push(`${batched} batched`);
    return `| ${mark(c)} | \`${c.tag}\` | ${c.direction} | ${c.statements.length} | ${c.status === 'not_run' ? '' : c.rows} | ${notes.filter(Boolean).join(', ')} |`;
  });
  return ['| | Change set | Direction | Statements | Rows | Notes |', '|---|---|---|---:|---:|---|', ...rows];
}

function failureLines(failed: DryRunChangeSet): string[] {
  const error = failed.error!;
  if (error.check) return checkFailureLines(error, 'would fail', '');
  return [
    `${error.file}:${error.line}: statement ${error.statementIndex + 1} would fail: ${error.message}`,
    ...(error.detail ? [`detail: ${error.detail}`] : []),
    ...(error.hint ? [`hint: ${error.hint}`] : []),
  ];
}

function diffLines(result: DryRunResult): string[] {
  const [head, ...changes] = diffText(result.diff);
  if (changes.length === 0) return [head!];
  return [`${head}:`, '', ...fenced('diff', changes.map((c) => c.replace(/^ {2}/, '').replace(/^~/, '!')))];
}

function riskLines(result: DryRunResult): string[] {
  const risks = result.risks.filter((r) => r.kind !== 'access_exclusive_lock');
  if (!risks.length) return ['None found.'];
  return risks.map((r) => `- **${r.severity}** ${prose(r.message)}`);
}

/** Locks that block writes or more, per statement, in a stable order; a lock held over a second in the dry run is marked. */
function lockLines(result: DryRunResult): string[] {
  const long = new Set(result.risks.filter((r) => r.kind === 'access_exclusive_lock' && r.severity === 'high').map((r) => r.table));
  const lines: string[] = [];
  for (const c of result.changeSets) {
    for (const s of c.statements) {
      const taken = [...new Set(s.locks.filter((l) => l.mode in BLOCKING_MODES).map((l) => `${BLOCKING_MODES[l.mode]} on \`${l.relation}\`${l.mode === 'AccessExclusiveLock' && long.has(l.relation) ? ' — **held over 1 s in the dry run**' : ''}`))].sort();
      const notes = [s.label, s.skipped ? 'skipped in the dry run' : null, s.batches ? `batched: ${s.batches.batches} batch(es) of ${s.batches.size} rows (${s.batches.rows} rows)` : null].filter(Boolean);
      if (taken.length || notes.length) lines.push(`- \`${c.tag}\` statement ${s.index + 1} (line ${s.line}): ${[...taken, ...notes].join('; ')}`);
    }
  }
  return lines.length ? lines : ['No statement takes a lock that blocks writes.'];
}

function lintLines(changeSets: DryRunChangeSet[]): string[] {
  const findings = changeSets.flatMap((c) => c.lint);
  if (!findings.length) return ['No findings.'];
  return findings.map(lintLine);
}

function lintLine(f: LintFinding): string {
  const where = `\`${f.file}:${f.line}\``;
  if (f.silenced) return `- 🔕 silenced \`${f.ruleId}\` ${where}: ${prose(f.message)} — ${prose(f.silenced.reason)}`;
  return `- ${f.severity === 'error' ? '🛑 **error**' : '⚠️ warning'} \`${f.ruleId}\` ${where}: ${prose(f.message)}. Instead: ${prose(f.saferAlternative)}`;
}
