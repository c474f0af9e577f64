import type { ColumnDef } from 'libpg-query';
import { nodeOf, nodesOf, stringsOf, tableKey } from '../ast';
import { containsPattern } from '../config';
import { hits, listed, type LintRule, type StatementContext } from '../rule';
import { columnConstraints, columnType, isSerial } from '../schema-model';

/**
 * Column design choices that cost later (identifier exhaustion, time-zone bugs,
 * rounding of money, rewrites to lengthen a varchar). They apply to every column a
 * statement defines: CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE.
 */

interface DefinedColumn {
  table: string;
  name: string;
  type: string;
  def: ColumnDef;
  /** Part of a single-column primary key. */
  soleKey: boolean;
}

/** Columns the statement defines or retypes, with the table they are in. */
export function definedColumns(ctx: StatementContext): DefinedColumn[] {
  const node = ctx.statement.node;
  const create = nodeOf(node, 'CreateStmt');
  if (create) {
    const table = tableKey(create.relation);
    const keys = nodesOf(create.tableElts, 'Constraint').filter((c) => c.contype === 'CONSTR_PRIMARY').map((c) => stringsOf(c.keys));
    const soleKey = keys.length === 1 && keys[0].length === 1 ? keys[0][0] : null;
    return nodesOf(create.tableElts, 'ColumnDef').map((def) => described(table, def, def.colname === soleKey));
  }
  const alter = nodeOf(node, 'AlterTableStmt');
  if (!alter || alter.objtype !== 'OBJECT_TABLE') return [];
  const table = tableKey(alter.relation);
  return nodesOf(alter.cmds, 'AlterTableCmd').flatMap((cmd) => {
    const def = nodeOf(cmd.def, 'ColumnDef');
    if (!def) return [];
    if (cmd.subtype === 'AT_AddColumn') return [described(table, def, false)];
    if (cmd.subtype === 'AT_AlterColumnType' && cmd.name) return [described(table, { ...def, colname: cmd.name }, false)];
    return [];
  });
}

function described(table: string, def: ColumnDef, soleKey: boolean): DefinedColumn {
  const inlineKey = columnConstraints(def).some((c) => c.contype === 'CONSTR_PRIMARY');
  return { table, name: def.colname ?? '', type: columnType(def), def, soleKey: soleKey || inlineKey };
}

const scalar = (type: string) => type.replace(/(\[\])+$/, '');
/** format_type's long spellings shortened for messages, as people write them. */
export const shortType = (type: string) =>
  type
    .replace('character varying', 'varchar')
    .replace(/^character\b/, 'char')
    .replace(/^timestamp(\(\d+\))? without time zone/, 'timestamp$1')
    .replace(/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1');
const label = (c: DefinedColumn) => `${c.name} ${shortType(c.type)}`;
/** One finding per statement naming every offending column, so a wide table does not become fifty findings. */
const perStatement = (columns: DefinedColumn[], text: (table: string, list: string) => string) => {
  if (columns.length === 0) return [];
  return hits([text(columns[0].table, listed(columns.map(label)))]);
};

export const serialColumn: LintRule = {
  id: 'serial-column',
  category: 'design',
  severity: 'warning',
  title: 'serial/bigserial instead of an identity column',
  explanation:
    'serial types create a sequence owned by the column but not tied to it by the SQL standard: grants, copies (CREATE TABLE … LIKE) and dumps handle them awkwardly, and nothing stops inserts from bypassing the sequence. Identity columns are the standard replacement (PostgreSQL 10+).',
  saferAlternative: 'bigint GENERATED ALWAYS AS IDENTITY (or BY DEFAULT when rows are sometimes inserted with explicit ids).',
  checkStatement(ctx) {
    const columns = definedColumns(ctx).filter((c) => isSerial(c.def));
    return perStatement(columns, (table, list) => `${table}: ${list} use${columns.length > 1 ? '' : 's'} a serial type`);
  },
};

/** A generated surrogate key: identity, serial or nextval default, or simply named id. */
function isSurrogate(c: DefinedColumn): boolean {
  const generated = columnConstraints(c.def).some(
    (k) => k.contype === 'CONSTR_IDENTITY' || (k.contype === 'CONSTR_DEFAULT' && stringsOf(nodeOf(k.raw_expr, 'FuncCall')?.funcname).pop() === 'nextval'),
  );
  return generated || isSerial(c.def) || c.name === 'id';
}

export const intPrimaryKey: LintRule = {
  id: 'int-primary-key',
  category: 'design',
  severity: 'warning',
  title: 'integer or smallint surrogate primary key',
  explanation:
    'A 32-bit key runs out at 2,147,483,647 (smallint at 32,767); busy tables get there, and widening the key later rewrites the table and every table referencing it, under ACCESS EXCLUSIVE. bigint costs 4 bytes more per row.',
  saferAlternative: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY (or uuid).',
  checkStatement(ctx) {
    const columns = definedColumns(ctx).filter((c) => c.soleKey && ['integer', 'smallint'].includes(c.type) && isSurrogate(c));
    return perStatement(columns, (table, list) => `${table}: primary key ${list} can run out of values`);
  },
};

export const timestampWithoutTimeZone: LintRule = {
  id: 'timestamp-without-time-zone',
  category: 'design',
  severity: 'warning',
  title: 'timestamp without time zone',
  explanation:
    'timestamp stores a wall-clock reading with no zone: the same instant written from servers or sessions in different zones reads differently, and DST changes make some values ambiguous. timestamptz stores the instant (in UTC) and converts on display, at the same 8 bytes.',
  saferAlternative: 'timestamptz (timestamp with time zone).',
  checkStatement(ctx) {
    const columns = definedColumns(ctx).filter((c) => scalar(c.type).startsWith('timestamp') && scalar(c.type).endsWith('without time zone'));
    return perStatement(columns, (table, list) => `${table}: ${list}`);
  },
};

export const varcharLength: LintRule = {
  id: 'varchar-length-limit',
  category: 'design',
  severity: 'warning',
  title: 'varchar(n) where text with a check would do',
  explanation:
    'varchar(n) and text are stored the same way in PostgreSQL; the length limit only adds a failure mode, and raising it later is an ALTER TYPE (a rewrite when it is not a pure widening, and a lock either way). A CHECK constraint states the rule and can be changed NOT VALID.',
  saferAlternative: 'text, with CHECK (char_length(col) <= n) when the limit is a real business rule.',
  checkStatement(ctx) {
    const columns = definedColumns(ctx).filter((c) => /^character varying\(\d+\)$/.test(scalar(c.type)));
    return perStatement(columns, (table, list) => `${table}: ${list}`);
  },
};

export const charColumn: LintRule = {
  id: 'char-column',
  category: 'design',
  severity: 'warning',
  title: 'char(n) column',
  explanation:
    'character(n) pads every value with spaces to n characters, compares ignoring the padding and surprises every client; it is never faster than text in PostgreSQL.',
  saferAlternative: 'text (with a CHECK constraint for a fixed length).',
  checkStatement(ctx) {
    const columns = definedColumns(ctx).filter((c) => /^character(\(\d+\))?$/.test(scalar(c.type)));
    return perStatement(columns, (table, list) => `${table}: ${list}`);
  },
};

export const moneyColumnType: LintRule = {
  id: 'money-column-type',
  category: 'design',
  severity: 'warning',
  title: 'Money stored as float or the money type',
  explanation:
    'real and double precision are binary floating point: 0.1 + 0.2 is not 0.3, and sums of amounts drift by cents. The money type depends on the lc_monetary setting and has a fixed number of decimals. Exact decimal arithmetic needs numeric.',
  saferAlternative: 'numeric(p, s) with the scale the currency needs (numeric(14,2), numeric(18,6) for unit prices), or an integer number of minor units (cents).',
  checkStatement(ctx) {
    const patterns = ctx.options.config.moneyColumnPatterns;
    const columns = definedColumns(ctx).filter((c) => {
      const type = scalar(c.type);
      if (type === 'money') return true;
      return (type === 'real' || type === 'double precision') && patterns.some((p) => containsPattern(c.name, p));
    });
    return perStatement(columns, (table, list) => `${table}: ${list} hold${columns.length > 1 ? '' : 's'} money in an inexact type`);
  },
};

export const COLUMN_DESIGN_RULES: LintRule[] = [serialColumn, intPrimaryKey, timestampWithoutTimeZone, varcharLength, charColumn, moneyColumnType];
