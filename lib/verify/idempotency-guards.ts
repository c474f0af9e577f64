import type { Statement } from '../changesets/statements';

/**
 * A static reading of a change set that claims `-- strata:idempotent`: which of its
 * statements guard themselves against a second run (IF NOT EXISTS, IF EXISTS, OR REPLACE,
 * ON CONFLICT) and which do not. It explains the dynamic check (running the file over
 * itself) rather than replacing it: an unguarded UPDATE or a DO block that checks the
 * catalog first may well be idempotent, which only running it shows.
 */
export interface IdempotencyGuards {
  /** Every statement is guarded by its own syntax or changes nothing when repeated. */
  allGuarded: boolean;
  /** "line 3: CREATE TABLE without IF NOT EXISTS", one per statement that is not. */
  unguarded: string[];
}

type Node = Record<string, unknown>;

/** Statement kinds whose parse tree carries the flag a guard sets, and the words for it. */
const FLAGGED: Record<string, { flag: string; what: string; guard: string }> = {
  CreateStmt: { flag: 'if_not_exists', what: 'CREATE TABLE', guard: 'IF NOT EXISTS' },
  CreateTableAsStmt: { flag: 'if_not_exists', what: 'CREATE TABLE AS / MATERIALIZED VIEW', guard: 'IF NOT EXISTS' },
  IndexStmt: { flag: 'if_not_exists', what: 'CREATE INDEX', guard: 'IF NOT EXISTS' },
  CreateSchemaStmt: { flag: 'if_not_exists', what: 'CREATE SCHEMA', guard: 'IF NOT EXISTS' },
  CreateExtensionStmt: { flag: 'if_not_exists', what: 'CREATE EXTENSION', guard: 'IF NOT EXISTS' },
  CreateSeqStmt: { flag: 'if_not_exists', what: 'CREATE SEQUENCE', guard: 'IF NOT EXISTS' },
  CreateFunctionStmt: { flag: 'replace', what: 'CREATE FUNCTION', guard: 'OR REPLACE' },
  ViewStmt: { flag: 'replace', what: 'CREATE VIEW', guard: 'OR REPLACE' },
  CreateTrigStmt: { flag: 'replace', what: 'CREATE TRIGGER', guard: 'OR REPLACE' },
  RuleStmt: { flag: 'replace', what: 'CREATE RULE', guard: 'OR REPLACE' },
  DropStmt: { flag: 'missing_ok', what: 'DROP', guard: 'IF EXISTS' },
  AlterEnumStmt: { flag: 'skipIfNewValExists', what: 'ALTER TYPE … ADD VALUE', guard: 'IF NOT EXISTS' },
};

/** Kinds PostgreSQL offers no guard for: a second run fails unless wrapped in a DO block that checks first. */
const NO_GUARD_SYNTAX: Record<string, string> = {
  CreateEnumStmt: 'CREATE TYPE … AS ENUM',
  CompositeTypeStmt: 'CREATE TYPE … AS',
  CreateDomainStmt: 'CREATE DOMAIN',
  CreatePolicyStmt: 'CREATE POLICY',
  CreateRoleStmt: 'CREATE ROLE',
  RenameStmt: 'RENAME',
};

/** ALTER TABLE subcommands that fail or repeat their effect when run twice, unless `missing_ok` is set. */
const ALTER_NEEDS_GUARD: Record<string, string> = {
  AT_AddColumn: 'ADD COLUMN without IF NOT EXISTS',
  AT_DropColumn: 'DROP COLUMN without IF EXISTS',
  AT_DropConstraint: 'DROP CONSTRAINT without IF EXISTS',
  AT_AddConstraint: 'ADD CONSTRAINT (has no IF NOT EXISTS form)',
  AT_AttachPartition: 'ATTACH PARTITION (has no IF NOT EXISTS form)',
  AT_DetachPartition: 'DETACH PARTITION (has no IF EXISTS form)',
};

export function idempotencyGuards(statements: Statement[]): IdempotencyGuards {
  const unguarded: string[] = [];
  for (const s of statements) {
    const problem = unguardedReason(s.node as Node);
    if (problem) unguarded.push(`line ${s.line}: ${problem}`);
  }
  return { allGuarded: unguarded.length === 0, unguarded };
}

function unguardedReason(node: Node): string | null {
  const kind = Object.keys(node)[0] ?? '';
  const body = (node[kind] ?? {}) as Node;
  const flagged = FLAGGED[kind];
  if (flagged) return body[flagged.flag] ? null : `${flagged.what} without ${flagged.guard}`;
  if (NO_GUARD_SYNTAX[kind]) return `${NO_GUARD_SYNTAX[kind]} (has no IF NOT EXISTS form)`;
  if (kind === 'InsertStmt') return body.onConflictClause ? null : 'INSERT without ON CONFLICT';
  if (kind === 'AlterTableStmt') {
    // PostgreSQL does nothing when ALTER INDEX … ATTACH PARTITION names an index already attached there.
    const isIndex = body.objtype === 'OBJECT_INDEX';
    const reasons = ((body.cmds as Node[]) ?? [])
      .map((c) => (c.AlterTableCmd ?? {}) as Node)
      .filter((cmd) => !cmd.missing_ok && ALTER_NEEDS_GUARD[String(cmd.subtype)] && !(isIndex && cmd.subtype === 'AT_AttachPartition'))
      .map((cmd) => ALTER_NEEDS_GUARD[String(cmd.subtype)]!);
    return reasons.length ? `ALTER ${isIndex ? 'INDEX' : 'TABLE'} ${[...new Set(reasons)].join(', ')}` : null;
  }
  // Everything else (SET DEFAULT, SET NOT NULL, COMMENT, GRANT, UPDATE, DO, SET…) ends in the
  // same state when repeated, or cannot be judged without running it: the dynamic check decides.
  return null;
}
