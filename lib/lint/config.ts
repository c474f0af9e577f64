import type { LintSeverity } from './types';

/** A rule's setting in `strata-lint.json`. */
export type RuleSetting = 'off' | LintSeverity;

/**
 * A project's lint settings (`strata-lint.json` beside `migrations/`), with defaults filled
 * in. Name lists are snake_case words: a column "matches" `api_key` when its name ends in
 * the words `api` `key` (`api_key`, `partner_api_key`, plural allowed), so `api_key_prefix`
 * or `email_hash` do not.
 */
/**
 * A reviewed exception for a change set whose file cannot carry a silencing comment: editing
 * an applied change set changes its checksum, so history is silenced from the config instead.
 */
export interface LintIgnore {
  /** Change set tag, or its version number ("0004" or "4"). */
  changeSet: string;
  rules: string[];
  /** Only findings on these lines of the forward file; all of the change set's findings of those rules without. */
  lines?: number[];
  reason: string;
}

export interface LintConfig {
  /** Per-rule severity override, or "off". */
  rules: Record<string, RuleSetting>;
  /** Reviewed exceptions for change sets whose files must not change. */
  ignore: LintIgnore[];
  /** Index names must start with one of these… */
  indexPrefixes: string[];
  /** …or end with one of these (PostgreSQL's own `_idx`, `_key`, `_pkey` naming). */
  indexSuffixes: string[];
  /** Column names holding secrets or personal data when stored as text. */
  sensitiveColumnPatterns: string[];
  /** A word in the name saying the value is protected (`email_hash`, `encrypted_token`). */
  protectedColumnWords: string[];
  /** Column names holding money: a float or `money` type for them is flagged. */
  moneyColumnPatterns: string[];
  /** Every new table has these. */
  timestampColumns: string[];
  /** Soft-delete columns: a table having any of these or of the optional ones must have all of these. */
  softDeleteColumns: string[];
  /** Soft-delete columns a table may add (`is_deleted`); using one requires the full set above. */
  softDeleteOptionalColumns: string[];
  /**
   * From how many rows (the target's live count) an UPDATE or DELETE touching the whole table,
   * or a range of it, should run batched (rule large-update-not-batched).
   */
  batchingRowThreshold: number;
}

/** What a project gets without a config file: accepts the demo's conventions (ix_, idx_, …_idx). */
export const DEFAULT_LINT_CONFIG: LintConfig = {
  rules: {},
  ignore: [],
  indexPrefixes: ['ix_', 'idx_', 'uq_', 'ux_'],
  indexSuffixes: ['_idx', '_key', '_pkey', '_uniq', '_index'],
  sensitiveColumnPatterns: ['password', 'passwd', 'secret', 'token', 'api_key', 'access_key', 'private_key', 'email', 'ssn'],
  protectedColumnWords: ['hash', 'hashed', 'digest', 'hmac', 'encrypted', 'enc', 'ciphertext', 'sealed'],
  moneyColumnPatterns: ['amount', 'price', 'cost', 'fee', 'balance', 'pnl', 'usd', 'eur', 'revenue', 'payment', 'salary', 'budget', 'charge', 'refund'],
  timestampColumns: ['created_at', 'updated_at'],
  softDeleteColumns: ['deleted_at', 'deleted_by'],
  softDeleteOptionalColumns: ['is_deleted'],
  batchingRowThreshold: 100_000,
};

const words = (name: string) => name.toLowerCase().split('_').filter(Boolean);
const sameWord = (word: string, pattern: string) => word === pattern || word === `${pattern}s` || word === `${pattern}es`;

/** True when the column name ends with the pattern's words (the last one may be plural). */
export function endsWithPattern(column: string, pattern: string): boolean {
  const name = words(column);
  const wanted = words(pattern);
  if (wanted.length === 0 || wanted.length > name.length) return false;
  const tail = name.slice(name.length - wanted.length);
  return tail.every((w, i) => (i === wanted.length - 1 ? sameWord(w, wanted[i]) : w === wanted[i]));
}

/** True when the pattern's words appear anywhere in the column name, in order. */
export function containsPattern(column: string, pattern: string): boolean {
  const name = words(column);
  const wanted = words(pattern);
  for (let start = 0; start + wanted.length <= name.length; start++) {
    if (wanted.every((w, i) => (i === wanted.length - 1 ? sameWord(name[start + i], w) : name[start + i] === w))) return true;
  }
  return false;
}
