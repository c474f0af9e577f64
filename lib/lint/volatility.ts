import type { Node } from 'libpg-query';
import { nodeOf, stringsOf } from './ast';

/**
 * Whether a column default is volatile, judged from its parse tree. Since PostgreSQL 11,
 * ADD COLUMN with a non-volatile default stores the value once in the catalog (instant);
 * a volatile one (random(), gen_random_uuid(), clock_timestamp(), nextval()) must be
 * computed per row, so the table is rewritten under ACCESS EXCLUSIVE. Functions the
 * linter does not know may be volatile: they are reported as such, naming the function,
 * because PostgreSQL would rewrite if they are.
 */

/** Built-in functions marked volatile in pg_proc that people put in defaults. */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setseed',
  'txid_current',
  'pg_current_xact_id',
]);

/** Built-in immutable or stable functions common in defaults: evaluated once for ADD COLUMN. */
const NOT_VOLATILE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_setting',
  'timezone',
  'date_trunc',
  'make_interval',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'to_timestamp',
  'to_date',
  'to_char',
  'to_json',
  'to_jsonb',
  'json_build_object',
  'jsonb_build_object',
  'json_build_array',
  'jsonb_build_array',
  'array_fill',
  'lower',
  'upper',
  'concat',
  'length',
  'md5',
  'abs',
  'round',
  'floor',
  'ceil',
  'coalesce',
  'greatest',
  'least',
  'nullif',
]);

export interface Volatility {
  volatile: boolean;
  /** The function that makes it volatile (or may), for the message. */
  culprit: string | null;
  /** True when the culprit is a function the linter does not know. */
  unknown: boolean;
}

/** The first volatile (or unknown) function call in an expression, if any. */
export function defaultVolatility(expr: Node | undefined): Volatility {
  let found: Volatility = { volatile: false, culprit: null, unknown: false };
  const visit = (node: unknown): void => {
    if (found.volatile || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const call = nodeOf(node as Node, 'FuncCall');
    if (call) {
      const names = stringsOf(call.funcname);
      const name = names[names.length - 1]?.toLowerCase() ?? '';
      const builtIn = names.length === 1 || names[0] === 'pg_catalog';
      if (builtIn && VOLATILE.has(name)) found = { volatile: true, culprit: `${name}()`, unknown: false };
      else if (!builtIn || !NOT_VOLATILE.has(name)) found = { volatile: true, culprit: `${names.join('.')}()`, unknown: true };
    }
    if (nodeOf(node as Node, 'SubLink')) found = { volatile: true, culprit: 'a subquery', unknown: true };
    Object.values(node).forEach(visit);
  };
  visit(expr);
  return found;
}

/** True when the default is the literal NULL (adding it changes nothing). */
export function isNullDefault(expr: Node | undefined): boolean {
  const c = nodeOf(expr, 'A_Const');
  if (c?.isnull) return true;
  const cast = nodeOf(expr, 'TypeCast');
  return cast ? isNullDefault(cast.arg) : false;
}
