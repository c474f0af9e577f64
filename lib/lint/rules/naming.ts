import { scanSync, type Node } from 'libpg-query';
import { identifierBytes, nodeOf, nodesOf, stringsOf } from '../ast';
import { hits, listed, type LintRule } from '../rule';
import { columnConstraints } from '../schema-model';

/** Naming conventions: names a statement gives to new objects. */

/** Every name the statement gives to something new, with what it names. */
export function definedNames(stmt: Node): Array<{ kind: string; name: string }> {
  const names: Array<{ kind: string; name: string }> = [];
  const add = (kind: string, name: string | undefined) => name && names.push({ kind, name });
  const create = nodeOf(stmt, 'CreateStmt');
  if (create) {
    add('table', create.relation?.relname);
    for (const element of create.tableElts ?? []) {
      const def = nodeOf(element, 'ColumnDef');
      add('column', def?.colname);
      for (const c of def ? columnConstraints(def) : []) add('constraint', c.conname);
      add('constraint', nodeOf(element, 'Constraint')?.conname);
    }
  }
  const alter = nodeOf(stmt, 'AlterTableStmt');
  for (const cmd of nodesOf(alter?.cmds, 'AlterTableCmd')) {
    const def = nodeOf(cmd.def, 'ColumnDef');
    if (cmd.subtype === 'AT_AddColumn' && def) {
      add('column', def.colname);
      for (const c of columnConstraints(def)) add('constraint', c.conname);
    }
    if (cmd.subtype === 'AT_AddConstraint') add('constraint', nodeOf(cmd.def, 'Constraint')?.conname);
  }
  add('index', nodeOf(stmt, 'IndexStmt')?.idxname);
  add('schema', nodeOf(stmt, 'CreateSchemaStmt')?.schemaname);
  add('type', stringsOf(nodeOf(stmt, 'CreateEnumStmt')?.typeName).pop());
  add('view', nodeOf(stmt, 'ViewStmt')?.view?.relname);
  add('sequence', nodeOf(stmt, 'CreateSeqStmt')?.sequence?.relname);
  const rename = nodeOf(stmt, 'RenameStmt');
  if (rename) add(rename.renameType === 'OBJECT_COLUMN' ? 'column' : (rename.renameType ?? '').replace('OBJECT_', '').toLowerCase(), rename.newname);
  return names;
}

const SNAKE_CASE = /^[a-z_][a-z0-9_]*$/;

export const snakeCaseNames: LintRule = {
  id: 'snake-case-names',
  category: 'convention',
  severity: 'warning',
  title: 'Name not in snake_case',
  explanation:
    'PostgreSQL folds unquoted names to lower case, so a name with capitals or spaces must be double-quoted in every query forever, and "UserId" and userid become two different columns. One naming convention across the schema avoids both.',
  saferAlternative: 'lower_snake_case names: letters, digits and underscores, starting with a letter.',
  checkStatement(ctx) {
    const bad = definedNames(ctx.statement.node).filter((n) => !SNAKE_CASE.test(n.name));
    return bad.length ? hits([`not snake_case: ${listed(bad.map((n) => `${n.kind} "${n.name}"`))}`]) : [];
  },
};

export const indexNamePattern: LintRule = {
  id: 'index-name-pattern',
  category: 'convention',
  severity: 'warning',
  title: 'Index name without the project’s prefix or suffix',
  explanation:
    'Index names that follow one pattern (ix_/idx_ prefixes, or PostgreSQL’s own <table>_<columns>_idx) are recognisable in plans, lock reports and error messages, and a lint rule keeps them that way.',
  saferAlternative: 'Name the index with one of the configured prefixes or suffixes (strata-lint.json: indexPrefixes, indexSuffixes).',
  checkStatement(ctx) {
    const name = nodeOf(ctx.statement.node, 'IndexStmt')?.idxname;
    const { indexPrefixes, indexSuffixes } = ctx.options.config;
    if (!name || indexPrefixes.some((p) => name.startsWith(p)) || indexSuffixes.some((s) => name.endsWith(s))) return [];
    const expected = [...indexPrefixes.map((p) => `${p}…`), ...indexSuffixes.map((s) => `…${s}`)].join(', ');
    return hits([`index ${name} matches none of ${expected}`]);
  },
};

const MAX_IDENTIFIER_BYTES = 63;

/**
 * Every identifier as written in the statement, defined or referenced. Read from the
 * scanner's tokens, not the parse tree: PostgreSQL's lexer has already truncated long
 * names to 63 bytes by the time the tree exists.
 */
function writtenIdentifiers(sql: string): string[] {
  // Scanning is costly next to parsing: only statements with a word or quoted name that long are scanned.
  if (!mayHoldLongIdentifier(sql)) return [];
  const names = scanSync(sql)
    .tokens.filter((t) => t.tokenName === 'IDENT')
    .map((t) => (t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase()));
  return [...new Set(names)];
}

const WORDS = /"(?:[^"]|"")*"|[\p{L}\p{N}_$]{16,}/gu;

/** True when some word or quoted name of the text is over 63 bytes (a superset of the identifiers). */
function mayHoldLongIdentifier(sql: string): boolean {
  for (const match of sql.matchAll(WORDS)) if (identifierBytes(match[0]) > MAX_IDENTIFIER_BYTES) return true;
  return false;
}

export const identifierTooLong: LintRule = {
  id: 'identifier-too-long',
  category: 'convention',
  severity: 'error',
  title: 'Identifier longer than 63 bytes',
  explanation:
    'PostgreSQL silently truncates names to 63 bytes (NAMEDATALEN − 1): the object gets a different name than the migration says, two long names can collide, and later statements using the full name may hit the wrong object or none.',
  saferAlternative: 'Shorten the name to at most 63 bytes (multi-byte characters count several bytes each).',
  checkStatement(ctx) {
    const long = writtenIdentifiers(ctx.statement.sql).filter((name) => identifierBytes(name) > MAX_IDENTIFIER_BYTES);
    return long.length ? hits([`longer than ${MAX_IDENTIFIER_BYTES} bytes, PostgreSQL truncates: ${listed(long.map((n) => `${n} (${identifierBytes(n)} bytes)`))}`]) : [];
  },
};

export const NAMING_RULES: LintRule[] = [snakeCaseNames, indexNamePattern, identifierTooLong];
