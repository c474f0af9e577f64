import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../errors';
import { loadDrizzleKitV1 } from './drizzle-kit-v1';
import { ORIGIN_ID } from './migration-graph';
import { DRAFT_ROLLBACK_DIRECTIVE, findChangeSet, rollbackFileOf, type Project } from './project';

export interface DraftRollback {
  tag: string;
  /** Relative to the project folder. */
  file: string;
  /** The snapshot it goes back to: the parent migration's folder, or null for the empty schema. */
  backTo: string | null;
  statements: string[];
  text: string;
}

/** drizzle-kit 1.0's schema before the first migration. */
const EMPTY_SNAPSHOT = { version: '8', dialect: 'postgres', id: ORIGIN_ID, prevIds: [], ddl: [], renames: [] };

/**
 * Drafts the rollback of one migration of a drizzle-kit 1.0 project: the SQL drizzle-kit 1.0
 * generates from the migration's snapshot back to its parent's (the one its `prevIds` names,
 * which is the previous one in a straight line of migrations). Writes nothing.
 */
export async function draftRollback(project: Project, tagOrVersion: string): Promise<DraftRollback> {
  if (project.layout !== 'folders') {
    throw new StrataError('BAD_USAGE', `draft-rollback reads drizzle-kit 1.0 snapshots (migrations/<timestamp>_<name>/snapshot.json); ${project.dir} is a 0.x journal project`);
  }
  const changeSet = findChangeSet(project, tagOrVersion);
  if (!changeSet.snapshotFile) throw new StrataError('MALFORMED_PROJECT', `${changeSet.tag} has no snapshot.json to draft a rollback from`);
  const current = readSnapshot(project, changeSet.snapshotFile);
  const parentId = current.prevIds[0] ?? ORIGIN_ID;
  if (current.prevIds.length > 1) {
    throw new StrataError('INVALID_STATE', `${changeSet.tag} merges ${current.prevIds.length} branches (several prevIds): write its rollback by hand`);
  }
  let previous: Snapshot = EMPTY_SNAPSHOT;
  let backTo: string | null = null;
  if (parentId !== ORIGIN_ID) {
    const parent = project.changeSets.find((c) => c.snapshotFile && readSnapshot(project, c.snapshotFile).id === parentId);
    if (!parent) throw new StrataError('MALFORMED_PROJECT', `${changeSet.tag} follows snapshot ${parentId}, which no migration folder holds (strata check explains)`);
    previous = readSnapshot(project, parent.snapshotFile!);
    backTo = parent.tag;
  }
  let statements: string[];
  try {
    statements = await loadDrizzleKitV1(project.dir).generateMigration(current, previous);
  } catch (error) {
    if (error instanceof StrataError) throw error;
    // drizzle-kit asks a person whether a dropped and a created object of one kind are a rename;
    // its programmatic API cannot be told, so it gives up with an internal error. Say what it means.
    const ambiguous = /resolver\(([\w ]+)\) was called without a HintsHandler/.exec((error as Error).message);
    if (ambiguous) {
      throw new StrataError(
        'INVALID_STATE',
        `${changeSet.tag}'s rollback would both drop and create a ${ambiguous[1]} (a rename, or one ${ambiguous[1]} replaced by another), and drizzle-kit cannot tell which without asking; nothing was written: write its rollback.sql by hand`,
      );
    }
    throw new StrataError('INVALID_STATE', `drizzle-kit could not draft the rollback of ${changeSet.tag}: ${(error as Error).message}`);
  }
  const file = rollbackFileOf(changeSet);
  const header = [
    DRAFT_ROLLBACK_DIRECTIVE,
    `-- Drafted by strata draft-rollback: drizzle-kit 1.0's SQL from ${changeSet.tag}'s snapshot back to ${backTo ?? 'the empty schema'}'s.`,
    '-- Review it (data a DROP loses, values a type change cannot restore), then delete these three lines.',
  ];
  const body = statements.length ? statements.map((s) => s.trim()).join('\n\n') : '-- The snapshots do not differ: nothing to undo.';
  return { tag: changeSet.tag, file, backTo, statements, text: `${header.join('\n')}\n${body}\n` };
}

/** Writes a draft where the change set's rollback belongs; an existing rollback file is kept unless `overwrite`. */
export function writeDraftRollback(project: Project, draft: DraftRollback, overwrite: boolean): void {
  const full = path.join(project.dir, draft.file);
  if (fs.existsSync(full) && !overwrite) {
    throw new StrataError('ALREADY_EXISTS', `${draft.file} exists; nothing was written (pass --force to replace it with a draft)`);
  }
  fs.writeFileSync(full, draft.text);
}

interface Snapshot {
  id: string;
  prevIds: string[];
}

function readSnapshot(project: Project, relative: string): Snapshot & Record<string, unknown> {
  const file = path.join(project.dir, relative);
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot & Record<string, unknown>;
    if (typeof raw.id !== 'string' || !Array.isArray(raw.prevIds)) throw new Error('it has no id or prevIds');
    return raw;
  } catch (error) {
    throw new StrataError('MALFORMED_PROJECT', `${relative} is not a drizzle-kit 1.0 snapshot: ${(error as Error).message}`);
  }
}
