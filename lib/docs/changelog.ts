import type { Project } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import type { HistoryEntry } from '../migrate/history-store';

/**
 * The project's change log: one entry per change set from the journal, with
 * what it touches, and — when a target's history is given — where and when it was applied.
 * Without history it depends on the files alone, so a committed copy can be checked in CI.
 */
export async function renderChangelog(project: Project, options: { history?: HistoryEntry[]; target?: string } = {}): Promise<string> {
  const lines = ['# Change log', ''];
  lines.push(
    options.history
      ? `Change sets of this project and their state on ${options.target ?? 'the target'}, newest first.`
      : 'Change sets of this project, newest first (generated from the journal and the SQL files).',
    '',
  );
  const lastByTag = new Map<string, HistoryEntry>();
  for (const entry of options.history ?? []) lastByTag.set(entry.tag, entry);
  for (const changeSet of [...project.changeSets].reverse()) {
    const statements = await splitStatements(changeSet.forward);
    const tables = [...new Set(statements.flatMap((s) => s.tables))].sort();
    const comment = firstComment(changeSet.forward.text);
    lines.push(`## ${changeSet.tag}`, '');
    if (comment) lines.push(comment, '');
    lines.push(`- Authored: ${new Date(changeSet.when).toISOString().slice(0, 10)}`);
    lines.push(`- Statements: ${statements.length}${changeSet.forward.noTransaction ? ' (runs without a transaction)' : ''}`);
    lines.push(`- Tables: ${tables.length ? tables.map((t) => `\`${t}\``).join(', ') : '—'}`);
    lines.push(`- Rollback: ${changeSet.rollback ? `\`${changeSet.rollback.file}\`` : '**none** (cannot be rolled back)'}`);
    lines.push(`- Checksum: \`${changeSet.forward.checksum.slice(0, 16)}\``);
    const last = lastByTag.get(changeSet.tag);
    if (options.history) {
      lines.push(last ? `- State: ${last.status} by ${last.actor} at ${last.finishedAt.toISOString()} (${last.operation})` : '- State: never applied');
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The leading `-- ` comment of a SQL file: authors describe their change set there. */
function firstComment(text: string): string | null {
  const comment: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('-- strata:')) continue;
    if (trimmed.startsWith('--') && !trimmed.startsWith('-->')) comment.push(trimmed.replace(/^--\s?/, ''));
    else break;
  }
  return comment.length ? comment.join(' ') : null;
}
