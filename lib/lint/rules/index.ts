import type { LintRule } from '../rule';
import type { LintRuleInfo } from '../types';
import { ALTER_TABLE_LOCK_RULES } from './alter-table-locks';
import { BATCHING_RULES } from './batching';
import { BREAKING_RULES } from './breaking';
import { CHECK_RULES } from './checks';
import { COLUMN_DESIGN_RULES } from './column-design';
import { columnTypeRewrite, narrowedColumnType } from './column-type';
import { HYGIENE_RULES } from './hygiene';
import { INDEX_LOCK_RULES } from './index-locks';
import { NAMING_RULES } from './naming';
import { TABLE_CONVENTION_RULES } from './table-conventions';
import { TABLE_LOCK_RULES } from './table-locks';
import { fileLeftByUpgrade } from './upgrade-leftovers';

/** Every rule with its checks, in the order `strata lint --rules` lists them (by category). */
export const ALL_RULES: LintRule[] = [
  ...INDEX_LOCK_RULES,
  ...ALTER_TABLE_LOCK_RULES,
  columnTypeRewrite,
  ...TABLE_LOCK_RULES,
  ...BATCHING_RULES,
  narrowedColumnType,
  ...BREAKING_RULES,
  ...COLUMN_DESIGN_RULES,
  ...NAMING_RULES,
  ...TABLE_CONVENTION_RULES,
  ...HYGIENE_RULES,
  ...CHECK_RULES,
  fileLeftByUpgrade,
];

/** The rules as documentation (no checks): for `strata lint --rules`, the console and config validation. */
export const LINT_RULES: LintRuleInfo[] = ALL_RULES.map(({ id, category, severity, title, explanation, saferAlternative }) => ({
  id,
  category,
  severity,
  title,
  explanation,
  saferAlternative,
}));

export const RULES_BY_ID = new Map(ALL_RULES.map((rule) => [rule.id, rule]));
