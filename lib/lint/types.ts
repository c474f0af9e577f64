/**
 * Migration lint: every statement of a change set, parsed with PostgreSQL's own parser
 * (libpg-query), checked against rules. These types are the contract between the engine
 * (lib/lint), the CLI (`strata lint`) and the console (change set page, dry-run result).
 */
export type LintSeverity = 'error' | 'warning';

export type LintCategory = 'locking' | 'breaking' | 'design' | 'convention' | 'hygiene';

/** A rule as documented: shown beside every finding, and by `strata lint --rules`. */
export interface LintRuleInfo {
  /** kebab-case, stable: used in config files and silencing comments. */
  id: string;
  category: LintCategory;
  /** Default severity; a project's config may change it or turn the rule off. */
  severity: LintSeverity;
  /** One line: what is wrong. */
  title: string;
  /** One paragraph: why it hurts (locks, rewrites, broken deploys, lost data…). */
  explanation: string;
  /** What to write instead. */
  saferAlternative: string;
}

/** Which file of a change set a finding is in (`checks`: its checks file, checks/NNNN_tag.sql). */
export type LintFileKind = 'forward' | 'rollback' | 'checks';

export interface LintFinding {
  ruleId: string;
  severity: LintSeverity;
  category: LintCategory;
  /** This occurrence, naming the object: `index ix_x on public.t is created without CONCURRENTLY`. */
  message: string;
  explanation: string;
  saferAlternative: string;
  /** Change set tag (e.g. `0008_lifegraph_documents_alter`). */
  changeSet: string;
  fileKind: LintFileKind;
  /** Project-relative path, e.g. `migrations/0008_x.sql` (a checks file without a change set: its own path, with `changeSet` its tag). */
  file: string;
  /** 1-based line of the statement (or of the file's start for change-set-level findings). */
  line: number;
  /** Index of the statement in its file (as splitStatements numbers them); null for change-set-level findings. */
  statementIndex: number | null;
  /**
   * Set when a `-- strata-lint-ignore` comment (line = the comment's) or an `ignore` entry of
   * strata-lint.json (line = 0) silences the finding; it is still reported, but does not fail.
   */
  silenced?: { reason: string; line: number; source?: 'comment' | 'config' };
}

export interface ChangeSetLint {
  tag: string;
  version: number;
  findings: LintFinding[];
}

export interface LintReport {
  /** Project folder linted. */
  dir: string;
  changeSets: ChangeSetLint[];
  /** Findings about files that belong to no change set of the journal (a checks file whose change set is gone); whole-project lint only. */
  projectFindings?: LintFinding[];
  /** Unsilenced findings by severity; `strata lint` exits 1 when errors > 0. */
  errors: number;
  warnings: number;
  silenced: number;
  /** PostgreSQL major version the context rules assumed (e.g. 18), from the target or the default. */
  serverVersion: number;
  durationMs: number;
}
