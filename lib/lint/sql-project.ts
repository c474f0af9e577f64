import { sha256, type ChangeSet, type Project, type SqlFile } from '../changesets/project';

/** One change set given as SQL text. */
export interface SqlChangeSet {
  /** Tag without the version prefix, e.g. `add_orders`. */
  name: string;
  forward: string;
  rollback?: string | null;
  /** Run outside a transaction, as `-- strata:no-transaction` would (set when the text does not say so itself). */
  noTransaction?: boolean;
}

/**
 * A project built from SQL in memory, numbered like drizzle-kit's files. For linting SQL
 * that is not on disk yet (an editor in the console, generated benchmarks, corpus cases)
 * with the same engine `strata lint` uses.
 */
export function projectFromSql(changeSets: SqlChangeSet[], dir = '(in memory)'): Project {
  return {
    dir,
    changeSets: changeSets.map((c, version): ChangeSet => {
      const tag = `${String(version).padStart(4, '0')}_${c.name}`;
      return {
        version,
        tag,
        when: version,
        forward: sqlFile(`migrations/${tag}.sql`, c.forward, c.noTransaction),
        rollback: c.rollback == null ? null : sqlFile(`rollback/${tag}.sql`, c.rollback, false),
      };
    }),
  };
}

function sqlFile(file: string, text: string, noTransaction: boolean | undefined): SqlFile {
  const directive = text.trimStart().split('\n', 1)[0]?.trim() === '-- strata:no-transaction';
  return { file, text, checksum: sha256(text), noTransaction: noTransaction ?? directive };
}
