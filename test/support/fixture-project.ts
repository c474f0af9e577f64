import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One change set of a throwaway project: forward SQL and optional rollback SQL. */
export interface FixtureChangeSet {
  name: string;
  up: string;
  down?: string;
}

/**
 * Writes a Drizzle-shaped project folder (journal, SQL, rollback) in a temp directory, so
 * engine tests can build exactly the situation they need — a failing statement, a missing
 * rollback, a late-merged change set — without touching the demo.
 */
export function writeFixtureProject(changeSets: FixtureChangeSet[], options: { baseWhen?: number } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fixture-'));
  fs.mkdirSync(path.join(dir, 'migrations', 'meta'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'rollback'));
  const base = options.baseWhen ?? 1_700_000_000_000;
  const entries = changeSets.map((c, idx) => {
    const tag = `${String(idx).padStart(4, '0')}_${c.name}`;
    fs.writeFileSync(path.join(dir, 'migrations', `${tag}.sql`), c.up);
    if (c.down !== undefined) fs.writeFileSync(path.join(dir, 'rollback', `${tag}.sql`), c.down);
    return { idx, version: '7', when: base + idx * 1000, tag, breakpoints: true };
  });
  fs.writeFileSync(path.join(dir, 'migrations', 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }, null, 2));
  return dir;
}

/** Rewrites a project's journal in place (e.g. to insert a late-merged entry). */
export function editJournal(dir: string, edit: (journal: { entries: Array<{ idx: number; when: number; tag: string }> }) => void): void {
  const file = path.join(dir, 'migrations', 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(journal);
  fs.writeFileSync(file, JSON.stringify(journal, null, 2));
}
