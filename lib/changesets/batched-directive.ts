import type { Node } from 'libpg-query';

/**
 * `-- strata:batched size=N pause=…ms`: a comment line just above a statement that asks Strata
 * to run it in primary-key-ordered batches, each its own transaction with a checkpoint. Only an
 * UPDATE, a DELETE or an INSERT … SELECT in a `-- strata:no-transaction` change set may carry it:
 * inside one transaction the batches would hold their row locks until the end anyway.
 */

export const BATCHED_DIRECTIVE = '-- strata:batched';

export interface BatchedOptions {
  /** Rows per batch (one transaction each). */
  size: number;
  /** Pause after each batch, in milliseconds: the fixed part of the throttle. */
  pauseMs: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_BATCH_PAUSE_MS = 0;
const MAX_BATCH_SIZE = 1_000_000;
const MAX_PAUSE_MS = 600_000;

/** What was wrong with a directive, in words; the caller adds file and line. */
export class BatchedDirectiveError extends Error {}

/**
 * The batching options a statement's leading comment asks for, or null when it has no
 * directive. Only the comment lines before the statement's first SQL line count, so the words
 * inside a string or a later comment never switch batching on.
 */
export function batchedDirectiveOf(statementSql: string): BatchedOptions | null {
  for (const raw of statementSql.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('--')) return null;
    const match = /^--\s*strata:batched\b(.*)$/.exec(line);
    if (match) return parseOptions(match[1]!.trim());
  }
  return null;
}

function parseOptions(text: string): BatchedOptions {
  const options: BatchedOptions = { size: DEFAULT_BATCH_SIZE, pauseMs: DEFAULT_BATCH_PAUSE_MS };
  const seen = new Set<string>();
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const [key, value, extra] = word.split('=');
    if (value === undefined || extra !== undefined || value === '') {
      throw new BatchedDirectiveError(`strata:batched option "${word}" is not key=value (expected size=N and pause=…ms)`);
    }
    if (seen.has(key!)) throw new BatchedDirectiveError(`strata:batched option "${key}" is given twice`);
    seen.add(key!);
    if (key === 'size') options.size = parseSize(value);
    else if (key === 'pause') options.pauseMs = parsePause(value);
    else throw new BatchedDirectiveError(`strata:batched has no option "${key}" (expected size=N and pause=…ms)`);
  }
  return options;
}

function parseSize(value: string): number {
  if (!/^\d+$/.test(value)) throw new BatchedDirectiveError(`strata:batched size "${value}" is not a whole number of rows`);
  const size = Number(value);
  if (size < 1 || size > MAX_BATCH_SIZE) throw new BatchedDirectiveError(`strata:batched size ${size} is outside 1–${MAX_BATCH_SIZE.toLocaleString('en')}`);
  return size;
}

function parsePause(value: string): number {
  const match = /^(\d+)(ms|s)$/.exec(value);
  if (!match) throw new BatchedDirectiveError(`strata:batched pause "${value}" needs a unit: e.g. pause=200ms or pause=2s`);
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  if (ms > MAX_PAUSE_MS) throw new BatchedDirectiveError(`strata:batched pause ${value} is longer than 10 minutes`);
  return ms;
}

/** Why a statement cannot be batched (null when it can): only UPDATE, DELETE and INSERT … SELECT can. */
export function whyNotBatchable(node: Node): string | null {
  const tree = node as { UpdateStmt?: unknown; DeleteStmt?: unknown; InsertStmt?: { selectStmt?: { SelectStmt?: { valuesLists?: unknown } } } };
  if (tree.UpdateStmt || tree.DeleteStmt) return null;
  if (tree.InsertStmt) {
    const select = tree.InsertStmt.selectStmt?.SelectStmt;
    if (select && !select.valuesLists) return null;
    return 'an INSERT can be batched only when its rows come from a SELECT';
  }
  return `only an UPDATE, a DELETE or an INSERT … SELECT can be batched, not ${Object.keys(node)[0]?.replace(/Stmt$/, '') ?? 'this statement'}`;
}
