import { draftRollback, writeDraftRollback } from '../../changesets/draft-rollback';
import { readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { StrataError } from '../../errors';
import { defineCommand, switchFlag } from '../command';
import { PROJECT_FLAGS } from '../flags';

/**
 * `draft-rollback TAG [--dir PATH] [--print] [--force]`: writes a drizzle-kit 1.0 migration's
 * rollback.sql from its snapshot back to the one before it, marked as a draft to review
 * (lib/changesets/draft-rollback.ts). Files only.
 */
export const draftRollbackCommand = defineCommand({
  name: 'draft-rollback',
  summary: "draft a migration's rollback.sql from its snapshot and the one before it, to review",
  usage: ['strata draft-rollback TAG [--dir PATH] [--print] [--force] [--json]'],
  description: `For a drizzle-kit 1.0 project: generates, with drizzle-kit 1.0's own SQL generation, the
statements that take the schema of migration TAG's snapshot.json back to its parent's (the
migration before it), and writes them as migrations/<TAG>/rollback.sql. The file's first line
is -- strata:draft-rollback: lint reports it (unreviewed-draft-rollback, an error) until a
person has read the SQL and deleted the draft lines; verify round-trips it like any rollback.
A draft knows the schema, not the data: a dropped column's values come back empty.
An existing rollback file is kept unless --force. TAG is a folder name, its timestamp, or its
position.`,
  flags: {
    ...PROJECT_FLAGS,
    print: switchFlag('print the draft instead of writing it'),
    force: switchFlag('replace an existing rollback file'),
  },
  async run(options, positional) {
    const tag = positional[0];
    if (!tag || positional.length > 1) throw new StrataError('BAD_USAGE', 'draft-rollback takes one migration: strata draft-rollback TAG');
    const project = readProject(options.dir ?? loadConfig().projectDir);
    const draft = await draftRollback(project, tag);
    if (options.print) return { code: 0, text: draft.text.trimEnd(), json: draft };
    writeDraftRollback(project, draft, options.force);
    const what = draft.statements.length === 1 ? '1 statement' : `${draft.statements.length} statements`;
    return {
      code: 0,
      text: `Wrote ${draft.file} (${what}, back to ${draft.backTo ?? 'the empty schema'}), marked as a draft: review it, then delete its -- strata:draft-rollback lines.`,
      json: { ...draft, written: true },
    };
  },
});
