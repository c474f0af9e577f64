import { loadModule, parseSync, type Node } from 'libpg-query';
import { StrataError } from '../errors';
import type { SqlFile } from './project';
import { dataAtRisk, destroyedRelations, outsideTransaction, type DataAtRisk, type OutsideTransaction } from './statement-effects';
import { BatchedDirectiveError, batchedDirectiveOf, whyNotBatchable, type BatchedOptions } from './batched-directive';

/** One SQL statement of a change set, with where it sits in its file. */
export interface Statement {
  index: number;
  sql: string;
  /** 1-based line in the file where the statement starts. */
  line: number;
  /** Relations the statement names (schema.table), from the parse tree. */
  tables: string[];
  /** Relations whose rows it can destroy (drops, dropped or retyped columns, truncates, deletes). */
  destroys: string[];
  /** What of those relations (and of UPDATE targets) it can lose: what a backup before it copies. */
  atRisk: DataAtRisk[];
  /** Set when PostgreSQL refuses the statement inside a transaction block (CONCURRENTLY, VACUUM…). */
  outsideTransaction: OutsideTransaction | null;
  /** The statement's parse tree, as the split parsed it (locations count from its breakpoint chunk). */
  node: Node;
  /** Set when a `-- strata:batched` line above it asks for primary-key-ordered batches. */
  batched: BatchedOptions | null;
}

const BREAKPOINT = '--> statement-breakpoint';

let loaded: Promise<void> | null = null;
/** libpg-query is WASM: load it once, lazily, so reading a project stays free. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/**
 * Splits a change set file into statements with PostgreSQL's own parser (libpg-query),
 * inside drizzle's breakpoint chunks. A file that does not parse is refused before
 * anything runs, naming the file, statement and line.
 */
export async function splitStatements(file: SqlFile): Promise<Statement[]> {
  await loadParser();
  const statements: Statement[] = [];
  let offset = 0;
  for (const chunk of file.text.split(BREAKPOINT)) {
    const chunkStart = offset;
    offset += chunk.length + BREAKPOINT.length;
    if (chunk.trim() === '') continue;
    let parsed: ReturnType<typeof parseSync>;
    try {
      parsed = parseSync(chunk);
    } catch (error) {
      const e = error as { message?: string; sqlDetails?: { cursorPosition?: number } };
      const at = e.sqlDetails?.cursorPosition;
      const atChar = at === undefined ? firstNonBlank(chunk) : Buffer.from(chunk, 'utf8').subarray(0, at).toString('utf8').length;
      const line = lineAt(file.text, chunkStart + atChar);
      throw new StrataError('MALFORMED_PROJECT', `${file.file}:${line}: SQL does not parse: ${e.message ?? String(error)}`, {
        file: file.file,
        line,
        statementIndex: statements.length,
      });
    }
    // The parser reports byte offsets into the UTF-8 text, not JavaScript string indexes.
    const bytes = Buffer.from(chunk, 'utf8');
    let previousEnd = 0;
    for (const raw of parsed.stmts ?? []) {
      const startByte = raw.stmt_location ?? 0;
      const endByte = raw.stmt_len ? startByte + raw.stmt_len : bytes.length;
      const start = bytes.subarray(0, startByte).toString('utf8').length;
      const text = bytes.subarray(startByte, endByte).toString('utf8');
      // The comments between the previous statement and this one (the parser may leave them out of its span).
      const before = bytes.subarray(previousEnd, startByte).toString('utf8');
      previousEnd = endByte;
      const sql = text.trim();
      if (!sql) continue;
      const leading = text.length - text.trimStart().length;
      const line = lineAt(file.text, chunkStart + start + leading);
      statements.push({
        index: statements.length,
        sql,
        line,
        tables: relationsIn(raw.stmt),
        destroys: destroyedRelations(raw.stmt),
        atRisk: dataAtRisk(raw.stmt),
        outsideTransaction: outsideTransaction(raw.stmt, sql),
        node: raw.stmt as Node,
        batched: batchedOptions(file, `${before}\n${sql}`, raw.stmt as Node, line, statements.length),
      });
    }
  }
  return statements;
}

/** A statement's batching options, refusing a malformed directive or one on a statement or file that cannot be batched. */
function batchedOptions(file: SqlFile, leadingAndSql: string, node: Node, line: number, statementIndex: number): BatchedOptions | null {
  const refuse = (why: string): never => {
    throw new StrataError('MALFORMED_PROJECT', `${file.file}:${line}: ${why}`, { file: file.file, line, statementIndex });
  };
  let options: BatchedOptions | null;
  try {
    options = batchedDirectiveOf(leadingAndSql);
  } catch (error) {
    if (error instanceof BatchedDirectiveError) return refuse(error.message);
    throw error;
  }
  if (!options) return null;
  const why = whyNotBatchable(node);
  if (why) return refuse(`strata:batched: ${why}`);
  if (!file.noTransaction) return refuse('strata:batched needs a -- strata:no-transaction change set: each batch commits on its own, which one transaction around the file would undo');
  return options;
}

function firstNonBlank(text: string): number {
  const match = /\S/.exec(text);
  return match ? match.index : 0;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Every relation a parse tree names, schema-qualified where the SQL qualified it.
 * RangeVar nodes appear wrapped (`{RangeVar: …}`) or bare (`relation`, `pktable`).
 */
function relationsIn(tree: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const rv = node as { schemaname?: unknown; relname?: unknown; relpersistence?: unknown };
    if (typeof rv.relname === 'string' && typeof rv.relpersistence === 'string') {
      found.add(typeof rv.schemaname === 'string' ? `${rv.schemaname}.${rv.relname}` : rv.relname);
    }
    Object.values(node).forEach(visit);
  };
  visit(tree);
  return [...found].sort();
}
