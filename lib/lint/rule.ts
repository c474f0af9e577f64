import type { ChangeSet } from '../changesets/project';
import type { LintConfig } from './config';
import type { LintStatement, ParsedFile } from './parse-file';
import type { SchemaModel } from './schema-model';
import type { TransactionState } from './transaction-state';
import type { LintFileKind, LintRuleInfo, LintSeverity } from './types';

/** The options every rule may read, resolved once per run. */
export interface RuleOptions {
  config: LintConfig;
  /** PostgreSQL major version the change sets will run on. */
  serverVersion: number;
  /** Live row count of schema.table on the target, or null when unknown (no target, no such table). */
  tableRows: (table: string) => number | null;
}

/** What a statement rule sees: the statement, and the schema and session just before it runs. */
export interface StatementContext {
  statement: LintStatement;
  changeSet: ChangeSet;
  /** The schema before this statement. */
  model: SchemaModel;
  session: TransactionState;
  options: RuleOptions;
}

/** What a change-set rule sees, once all of the change set's statements have run. */
export interface ChangeSetContext {
  changeSet: ChangeSet;
  /** The schema after the change set. */
  model: SchemaModel;
  /** The session after the last statement (an explicit transaction may still be open). */
  session: TransactionState;
  statements: LintStatement[];
  /** The rollback file parsed, or null when the change set has none. */
  rollback: ParsedFile | null;
  /** The checks file (`checks/NNNN_tag.sql`) parsed, or null when the change set has none. */
  checks: ParsedFile | null;
  options: RuleOptions;
}

/** One problem a rule found; severity only when it differs from the rule's (e.g. row count unknown). */
export interface RuleHit {
  message: string;
  severity?: LintSeverity;
}

/** A change-set-level problem, placed at the statement it concerns (or the file's start when null). */
export interface ChangeSetHit extends RuleHit {
  statementIndex: number | null;
  line: number;
  fileKind?: LintFileKind;
}

/**
 * A rule: its documentation and its checks. Statement checks run on every forward
 * statement in order; change-set checks run once at the end (foreign keys may get their
 * index later in the same change set, a table its timestamps in a later ALTER).
 */
export interface LintRule extends LintRuleInfo {
  checkStatement?: (ctx: StatementContext) => RuleHit[];
  checkChangeSet?: (ctx: ChangeSetContext) => ChangeSetHit[];
}

/** Shorthand for the common case: one message per problem at the rule's severity. */
export const hits = (messages: Array<string | null | undefined | false>): RuleHit[] =>
  messages.filter((m): m is string => typeof m === 'string' && m !== '').map((message) => ({ message }));

/** Up to `max` items, then "and N more": findings name objects without becoming walls of text. */
export function listed(items: string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
