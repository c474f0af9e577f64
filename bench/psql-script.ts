import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChangeSet } from '../lib/changesets/project';

/**
 * The same change sets as one script for `psql -f` (without -1), run the way Strata runs
 * them: each in its own transaction, except the `-- strata:no-transaction` ones, which
 * cannot run in one (CREATE INDEX CONCURRENTLY). The fair baseline for a project that has both.
 */
export function psqlScript(changeSets: ChangeSet[]): string {
  return changeSets.map((c) => (c.forward.noTransaction ? `${c.forward.text};\n` : `BEGIN;\n${c.forward.text};\nCOMMIT;\n`)).join('');
}

/**
 * A copy of a Drizzle project folder holding only the change sets that run in a transaction
 * (journal and forward SQL), for drizzle-orm's migrate(), which runs every migration inside
 * one transaction and so cannot run a `-- strata:no-transaction` one.
 */
export function transactionalCopy(projectDir: string, changeSets: ChangeSet[]): { dir: string; tags: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-project-'));
  fs.mkdirSync(path.join(dir, 'migrations', 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(projectDir, 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  const kept = changeSets.filter((c) => !c.forward.noTransaction).map((c) => c.tag);
  journal.entries = journal.entries.filter((e) => kept.includes(e.tag));
  fs.writeFileSync(path.join(dir, 'migrations', 'meta', '_journal.json'), JSON.stringify(journal, null, 2));
  for (const tag of kept) fs.copyFileSync(path.join(projectDir, 'migrations', `${tag}.sql`), path.join(dir, 'migrations', `${tag}.sql`));
  return { dir, tags: kept };
}
