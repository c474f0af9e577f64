import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../errors';
import { error, findForks, groupBy, ORIGIN_ID, type CheckProblem, type DdlEntry, type MigrationCheckReport, type Node } from './migration-graph';

/**
 * `strata check` on a drizzle-kit 0.x project (`migrations/meta/_journal.json`): what drizzle-kit
 * 0.31's `check` finds, in migration-graph.ts's words, plus what its journal can get wrong.
 * - Snapshots (`meta/NNNN_snapshot.json`, each naming its parent in `prevId`): two with the same
 *   parent (drizzle-kit: "pointing to a parent snapshot … which is a collision"), malformed ones,
 *   ones not of the latest version (7: run drizzle-kit up); also duplicate ids and a parent no
 *   snapshot holds. A fork is always an error here, unlike the folder layout: the journal runs
 *   the two branches in one line, and the next drizzle-kit generate diffs against only the last
 *   snapshot, which lacks the other branch's changes. Whether the branches touch the same objects
 *   (migration-graph.ts's analysis, on the 0.x snapshot's `tables` keyed "schema.table") is said,
 *   since it decides what to do.
 * - The journal: entries out of idx order, or whose `when` does not increase (drizzle-kit warns;
 *   drizzle-orm 0.x's migrator then skips the entry once a later one is applied), duplicates,
 *   entries without their SQL file and SQL files no entry names (neither tool runs them).
 * Reads files only; unlike readProject, reports every problem instead of stopping at the first.
 */
const SNAPSHOT_VERSION = '7';

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export function checkJournalProject(dir: string): MigrationCheckReport {
  const absolute = path.resolve(dir);
  const migrations = path.join(absolute, 'migrations');
  const entries = readJournal(path.join(migrations, 'meta', '_journal.json'));
  const problems: CheckProblem[] = [...journalProblems(entries), ...fileProblems(migrations, entries)];

  const nodes: Node[] = [];
  const snapshotFiles = fs.readdirSync(path.join(migrations, 'meta')).filter((f) => f.endsWith('.json') && !f.startsWith('_')).sort();
  // drizzle-kit 0.x names a snapshot after its entry's prefix: 0003_x.sql ↔ meta/0003_snapshot.json.
  const tagOf = (file: string) => entries.find((e) => `${e.tag.split('_')[0]}_snapshot.json` === file)?.tag ?? `meta/${file}`;
  for (const file of snapshotFiles) {
    const node = readSnapshot(path.join(migrations, 'meta', file), tagOf(file), problems);
    if (node) nodes.push(node);
  }
  if (snapshotFiles.length > 0) {
    for (const entry of entries) {
      if (!snapshotFiles.some((f) => tagOf(f) === entry.tag)) {
        problems.push({ kind: 'no-snapshot', severity: 'note', folders: [entry.tag], message: `${entry.tag} has no meta/${entry.tag.split('_')[0]}_snapshot.json (an imported or hand-written migration), so it is left out of the fork checks, as drizzle-kit leaves it out.` });
      }
    }
  }

  for (const group of groupBy(nodes, (n) => n.id)) {
    const names = group.map((n) => n.folder);
    problems.push(error('same-snapshot-id', names, `${names.join(' and ')} have the same snapshot id ${group[0]!.id}: one was copied rather than generated, so the order of migrations cannot be told from the snapshots. Delete the copy and run drizzle-kit generate again.`));
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) {
    const parent = node.prevIds[0]!;
    if (parent !== ORIGIN_ID && !byId.has(parent)) {
      problems.push(error('unknown-parent', [node.folder], `${node.folder} was generated after a snapshot (${parent}) that no meta/*_snapshot.json holds: the migration it was written on top of is missing from this branch. Bring that migration in (merge its branch) or regenerate this one.`));
    }
  }
  for (const { parent, a, b, overlap } of findForks(nodes, byId)) {
    const parentName = parent ? parent.folder : 'the empty schema (both are first migrations)';
    const names = `${a.folders.join(', ')} and ${b.folders.join(', ')}`;
    const lead = `${names} were generated on two branches from the same parent, ${parentName} (drizzle-kit check: their snapshots point to one parent, a collision)`;
    problems.push(
      error(
        'conflicting-branches',
        [...a.folders, ...b.folders],
        overlap
          ? `${lead}, and both change ${overlap.object}: ${a.folders.at(-1)} ${overlap.a}, ${b.folders.at(-1)} ${overlap.b}. Whichever runs second was written against a schema that is no longer there. ` +
              `Keep one branch: delete the other branch's SQL files, snapshots and journal entries, and run drizzle-kit generate again on top of it.`
          : `${lead}. They touch different objects, so their SQL runs in either order, but the journal's last snapshot lacks the other branch's changes and the next drizzle-kit generate would write them again. ` +
              `Regenerate the later branch on top of the other: delete its SQL files, snapshots and journal entries, and run drizzle-kit generate again.`,
      ),
    );
  }
  return { dir: absolute, migrations: entries.length, problems, errors: problems.filter((p) => p.severity === 'error').length };
}

function readJournal(file: string): JournalEntry[] {
  let raw: { entries?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries?: unknown };
  } catch (e) {
    throw new StrataError('MALFORMED_PROJECT', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const entries = raw.entries;
  const valid = Array.isArray(entries) && entries.every((e: Partial<JournalEntry>) => typeof e?.tag === 'string' && typeof e.idx === 'number' && typeof e.when === 'number');
  if (!valid) throw new StrataError('MALFORMED_PROJECT', `${file}: entries must be a list of { idx, when, tag }`);
  return entries as JournalEntry[];
}

function journalProblems(entries: JournalEntry[]): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const field of ['tag', 'idx', 'when'] as const) {
    for (const group of groupBy(entries, (e) => e[field])) {
      problems.push(error('duplicate-journal-entry', group.map((e) => e.tag), `${group.map((e) => e.tag).join(' and ')} have the same ${field} (${group[0]![field]}) in the journal: drizzle's migrator tells migrations apart by it. Give the later one its own (drizzle-kit generate numbers and times them).`));
    }
  }
  // Compared with the latest entry so far, as drizzle-kit does: drizzle-orm 0.x's migrator applies only entries newer than the newest applied.
  let latest = entries[0];
  for (let i = 1; i < entries.length; i++) {
    const [before, entry] = [entries[i - 1]!, entries[i]!];
    if (entry.idx < before.idx) {
      problems.push(error('journal-order', [before.tag, entry.tag], `${entry.tag} (idx ${entry.idx}) follows ${before.tag} (idx ${before.idx}) in the journal: entries must be in idx order, the order drizzle's migrator runs them in.`));
    }
    if (entry.when < latest!.when) {
      problems.push(
        error(
          'journal-order',
          [latest!.tag, entry.tag],
          `${entry.tag} (when ${entry.when}) follows ${latest!.tag} (when ${latest!.when}) in the journal, but its timestamp is not greater: once ${latest!.tag} is applied, drizzle-orm's migrator skips ${entry.tag} without a word. Journal timestamps must strictly increase in entry order.`,
        ),
      );
    } else {
      latest = entry;
    }
  }
  return problems;
}

function fileProblems(migrations: string, entries: JournalEntry[]): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const tags = new Set(entries.map((e) => e.tag));
  for (const entry of entries) {
    if (!fs.existsSync(path.join(migrations, `${entry.tag}.sql`))) {
      problems.push(error('journal-entry-without-sql', [entry.tag], `The journal's entry ${entry.tag} has no migrations/${entry.tag}.sql: neither drizzle nor Strata can run it. Restore the file, or remove the entry (and its snapshot) if the migration was dropped.`));
    }
  }
  for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort()) {
    const tag = file.slice(0, -'.sql'.length);
    if (!tags.has(tag)) {
      problems.push(error('sql-not-in-journal', [tag], `migrations/${file} is not in the journal, so neither drizzle nor Strata will ever run it. Generate migrations with drizzle-kit generate (drizzle-kit generate --custom for hand-written SQL), which adds the entry.`));
    }
  }
  return problems;
}

function readSnapshot(file: string, name: string, problems: CheckProblem[]): Node | null {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: unknown; prevId?: unknown; version?: unknown; tables?: unknown };
    if (typeof raw.id !== 'string' || typeof raw.prevId !== 'string' || typeof raw.tables !== 'object' || raw.tables === null) throw new Error('it has no id, prevId or tables');
    if (String(raw.version) !== SNAPSHOT_VERSION) {
      problems.push(error('old-snapshot-version', [name], `meta/${path.basename(file)} (${name}) is a version ${String(raw.version)} snapshot, not ${SNAPSHOT_VERSION}: run drizzle-kit up to bring it to the latest version, as drizzle-kit check asks.`));
      return null;
    }
    return { folder: name, id: raw.id, prevIds: [raw.prevId], ddl: ddlOf(raw as unknown as SnapshotV7) };
  } catch (e) {
    problems.push(error('unreadable-snapshot', [name], `meta/${path.basename(file)} is not a drizzle-kit snapshot (${(e as Error).message}); drizzle-kit check calls its data malformed. Regenerate it.`));
    return null;
  }
}

type Named = Record<string, unknown> & { name?: string };
interface SnapshotV7 {
  tables: Record<string, { name: string; schema?: string; columns?: Record<string, Named>; indexes?: Record<string, Named>; foreignKeys?: Record<string, Named>; compositePrimaryKeys?: Record<string, Named>; uniqueConstraints?: Record<string, Named>; checkConstraints?: Record<string, Named>; policies?: Record<string, Named>; isRLSEnabled?: boolean }>;
  enums?: Record<string, Named>;
  sequences?: Record<string, Named>;
  views?: Record<string, Named>;
  schemas?: Record<string, string>;
  roles?: Record<string, Named>;
}

/** A 0.x snapshot as drizzle-kit 1.0's flat `ddl` list, so migration-graph.ts's comparison applies unchanged. */
function ddlOf(snapshot: SnapshotV7): DdlEntry[] {
  const ddl: DdlEntry[] = [];
  const each = (record: Record<string, Named> | undefined): Named[] => Object.entries(record ?? {}).map(([key, value]) => ({ ...value, name: value.name ?? key }));
  for (const t of Object.values(snapshot.tables)) {
    const schema = t.schema || 'public';
    ddl.push({ entityType: 'tables', schema, name: t.name, isRlsEnabled: t.isRLSEnabled ?? false });
    const parts: Array<[string, Record<string, Named> | undefined]> = [
      ['columns', t.columns],
      ['indexes', t.indexes],
      ['fks', t.foreignKeys],
      ['pks', t.compositePrimaryKeys],
      ['uniques', t.uniqueConstraints],
      ['checks', t.checkConstraints],
      ['policies', t.policies],
    ];
    for (const [entityType, record] of parts) for (const item of each(record)) ddl.push({ ...item, entityType, schema, table: t.name });
  }
  for (const [entityType, record] of [['enums', snapshot.enums], ['sequences', snapshot.sequences], ['views', snapshot.views], ['roles', snapshot.roles]] as const) {
    for (const item of each(record)) ddl.push({ ...item, entityType, schema: typeof item.schema === 'string' && item.schema ? item.schema : 'public' });
  }
  for (const name of Object.keys(snapshot.schemas ?? {})) ddl.push({ entityType: 'schemas', name });
  return ddl;
}
