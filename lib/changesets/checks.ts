import type { Node } from 'libpg-query';
import { StrataError } from '../errors';
import type { SqlFile } from './project';
import { splitStatements } from './statements';

/**
 * A change set's checks (`checks/NNNN_tag.sql`), the way dbt tests work: every statement is a
 * query that must return no rows. A check whose comment block (the `--` lines right above it)
 * contains the line `-- strata:before` runs before the change set's statements; the others
 * run after them, inside the change set's transaction. The rest of the comment block is the
 * check's name in every failure ("every position has a v2 schema_version").
 */

export const BEFORE_DIRECTIVE = '-- strata:before';

export type CheckPhase = 'before' | 'after';

export interface Check {
  /** 0-based position in the checks file. */
  index: number;
  /** 1-based line where the query starts. */
  line: number;
  sql: string;
  phase: CheckPhase;
  /** The comment lines right above the query, without `--` and the directive; null when there are none. */
  comment: string | null;
  /** Relations the query names (schema.table), from its parse tree. */
  tables: string[];
  /** Every column name the query refers to (the last part of each column reference), for masking computed values. */
  columnsNamed: string[];
}

export interface ParsedChecks {
  file: SqlFile;
  checks: Check[];
}

/**
 * Splits and validates a checks file with PostgreSQL's own parser. A file that does not parse,
 * or a statement that is not a read-only query, is refused (MALFORMED_PROJECT, naming file
 * and line) before anything runs.
 */
export async function parseChecks(file: SqlFile): Promise<ParsedChecks> {
  const statements = await splitStatements(file);
  const checks = statements.map((statement): Check => {
    const problem = notReadOnly(statement.node);
    if (problem) {
      throw new StrataError(
        'MALFORMED_PROJECT',
        `${file.file}:${statement.line}: a check must be a read-only query (SELECT, WITH … SELECT or VALUES) that returns the rows that are wrong; this one ${problem}`,
        { file: file.file, line: statement.line, statementIndex: statement.index },
      );
    }
    return {
      index: statement.index,
      line: statement.line,
      sql: statement.sql,
      ...checkHeader(file.text, statement.line),
      tables: statement.tables,
      columnsNamed: columnNames(statement.node),
    };
  });
  return { file, checks };
}

/** How a check is named in messages: its file and line, and its comment when it has one. */
export function checkLabel(file: string, check: Pick<Check, 'line' | 'comment'>): string {
  return `${file}:${check.line}${check.comment ? ` "${check.comment}"` : ''}`;
}

/** A check's phase and comment, from the `--` lines right above the line where its query starts. */
export function checkHeader(text: string, line: number): { phase: CheckPhase; comment: string | null } {
  const block = commentBlockAbove(text.split('\n'), line);
  const words = block.filter((l) => l !== BEFORE_DIRECTIVE).map((l) => l.replace(/^--+\s?/, '').trim()).filter(Boolean);
  return { phase: block.includes(BEFORE_DIRECTIVE) ? 'before' : 'after', comment: words.length ? words.join(' ') : null };
}

/** The `--` lines directly above `line` (1-based), top to bottom, trimmed; a blank line, a drizzle breakpoint or any other line ends it. */
function commentBlockAbove(lines: string[], line: number): string[] {
  const block: string[] = [];
  for (let i = line - 2; i >= 0; i--) {
    const text = (lines[i] ?? '').trim();
    if (!text.startsWith('--') || text.startsWith('-->')) break;
    block.unshift(text);
  }
  return block;
}

/** The last name of every ColumnRef in a parse tree (`m.email` → email). */
function columnNames(node: Node): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const ref = (value as { ColumnRef?: { fields?: Array<{ String?: { sval?: string } }> } }).ColumnRef;
    const last = ref?.fields?.at(-1)?.String?.sval;
    if (last) found.add(last);
    Object.values(value).forEach(visit);
  };
  visit(node);
  return [...found].sort();
}

const WRITING_NODES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};

/**
 * Why a parse tree is not a read-only query, or null when it is one: a SELECT (WITH … SELECT,
 * VALUES and set operations included) that creates nothing (no SELECT INTO), locks no rows
 * (no FOR UPDATE/SHARE) and has no data-modifying WITH. A function with side effects cannot
 * be seen from the parse tree; the runner's savepoint undoes whatever it writes.
 */
export function notReadOnly(node: Node): string | null {
  const [kind] = Object.keys(node as object);
  if (kind !== 'SelectStmt') return `is ${statementKind(kind)}`;
  let problem: string | null = null;
  const visit = (value: unknown): void => {
    if (problem || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    for (const [key, child] of Object.entries(value)) {
      if (WRITING_NODES[key]) {
        problem = `writes (a data-modifying ${WRITING_NODES[key]} inside it)`;
        return;
      }
      if (key === 'intoClause' && child) {
        problem = 'creates a table (SELECT … INTO)';
        return;
      }
      if (key === 'lockingClause' && Array.isArray(child) && child.length) {
        problem = 'locks rows (FOR UPDATE / FOR SHARE)';
        return;
      }
      visit(child);
    }
  };
  visit(node);
  return problem;
}

/** "an UPDATE", "a CREATE TABLE"… from the parse tree's node name (UpdateStmt, CreateStmt). */
function statementKind(kind: string | undefined): string {
  const words: Record<string, string> = {
    InsertStmt: 'an INSERT',
    UpdateStmt: 'an UPDATE',
    DeleteStmt: 'a DELETE',
    MergeStmt: 'a MERGE',
    CreateStmt: 'a CREATE TABLE',
    CreateTableAsStmt: 'a CREATE TABLE AS',
    DropStmt: 'a DROP',
    AlterTableStmt: 'an ALTER TABLE',
    TruncateStmt: 'a TRUNCATE',
    TransactionStmt: 'transaction control',
    VariableSetStmt: 'a SET',
    CopyStmt: 'a COPY',
    CallStmt: 'a CALL',
    DoStmt: 'a DO block',
    ExplainStmt: 'an EXPLAIN',
    LockStmt: 'a LOCK',
  };
  return kind ? (words[kind] ?? `a ${kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()} statement`) : 'empty';
}
