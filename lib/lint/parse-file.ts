import type { Node } from 'libpg-query';
import type { BatchedOptions } from '../changesets/batched-directive';
import type { SqlFile } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { isStrataError } from '../errors';

/** One statement as the linter sees it: splitStatements' position plus its own parse tree and leading comments. */
export interface LintStatement {
  index: number;
  sql: string;
  /** 1-based line of the statement's first keyword. */
  line: number;
  node: Node;
  /** The comment lines directly above the statement (no blank line between), with their line numbers. */
  comments: Array<{ line: number; text: string }>;
  /** Set when a `-- strata:batched` line asks the runner to run it in primary-key-ordered batches (splitStatements checked it). */
  batched: BatchedOptions | null;
}

export type ParsedFile = { ok: true; statements: LintStatement[] } | { ok: false; line: number; message: string };

/**
 * Splits a change set file with the engine's own splitter (so statement indexes and lines
 * match what apply and dry run report), keeping each statement's tree from that one parse. A file that does not parse becomes a finding, not a crash: a linter
 * should say what is wrong with every file it can read.
 */
export async function parseFile(file: SqlFile): Promise<ParsedFile> {
  let split;
  try {
    split = await splitStatements(file);
  } catch (error) {
    if (!isStrataError(error)) throw error;
    const line = typeof error.details?.line === 'number' ? error.details.line : 1;
    return { ok: false, line, message: error.message };
  }
  const lines = file.text.split('\n');
  const statements = split.map((s) => ({
    index: s.index,
    sql: s.sql,
    line: s.line,
    node: s.node,
    comments: leadingComments(lines, s.line),
    batched: s.batched,
  }));
  return { ok: true, statements };
}

/**
 * The `--` comment lines directly above line `line` (1-based). PostgreSQL 18's parser
 * starts a statement at its first token, so its comments are read from the file around it.
 * A drizzle breakpoint (`--> statement-breakpoint`) or a blank line ends the block.
 */
export function leadingComments(lines: string[], line: number): Array<{ line: number; text: string }> {
  const found: Array<{ line: number; text: string }> = [];
  for (let i = line - 2; i >= 0; i--) {
    const text = lines[i].trim();
    if (!text.startsWith('--') || text.startsWith('-->')) break;
    found.unshift({ line: i + 1, text });
  }
  return found;
}
