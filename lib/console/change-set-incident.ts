import type { Project } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { fileFor } from '../migrate/change-set-file';
import type { HistoryEntry } from '../migrate/history-store';

/**
 * What the pages show about a change set that needs a person: its latest history row and,
 * for a failure, the file and line of the failing statement (the history keeps the
 * statement's index; its line is found by splitting the file as the run did).
 */
export interface Incident {
  last: HistoryEntry | null;
  failureFile: string | null;
  failureLine: number | null;
}

export async function incidentOf(project: Project, tag: string, history: readonly HistoryEntry[]): Promise<Incident> {
  const last = history.filter((h) => h.tag === tag).at(-1) ?? null;
  const changeSet = project.changeSets.find((c) => c.tag === tag);
  if (!last || !changeSet || last.status !== 'failed') return { last, failureFile: null, failureLine: null };
  const file = fileFor(changeSet, last.direction);
  if (!file) return { last, failureFile: null, failureLine: null };
  let line: number | null = null;
  try {
    line = (await splitStatements(file)).find((s) => s.index === last.errorStatementIndex)?.line ?? null;
  } catch {
    // A file that no longer parses: the statement text in the history still says what failed.
  }
  return { last, failureFile: file.file, failureLine: line };
}
