import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StrataError } from '../errors';
import { DEFAULT_LINT_CONFIG, type LintConfig } from './config';
import { RULES_BY_ID } from './rules';

/** The optional per-project settings file, beside `migrations/`. */
export const LINT_CONFIG_FILE = 'strata-lint.json';

const names = z.array(z.string().min(1, 'must not be empty'));

const configSchema = z
  .object({
    $schema: z.string().optional(),
    rules: z.record(z.string(), z.enum(['off', 'warning', 'error'])).optional(),
    ignore: z
      .array(
        z
          .object({
            changeSet: z.string().min(1),
            rules: z.array(z.string().min(1)).min(1),
            lines: z.array(z.number().int().positive()).optional(),
            reason: z.string().trim().min(10, 'give the reviewed reason (at least 10 characters)'),
          })
          .strict(),
      )
      .optional(),
    indexPrefixes: names.optional(),
    indexSuffixes: names.optional(),
    sensitiveColumnPatterns: names.optional(),
    protectedColumnWords: names.optional(),
    moneyColumnPatterns: names.optional(),
    timestampColumns: names.optional(),
    softDeleteColumns: names.optional(),
    softDeleteOptionalColumns: names.optional(),
    batchingRowThreshold: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Reads `strata-lint.json` from a Drizzle project folder; without one, the defaults.
 * Every problem is a MALFORMED_PROJECT error naming the file and the key, so a typo in a
 * rule id fails loudly instead of silently leaving a rule on (or off).
 */
export function loadLintConfig(projectDir: string): LintConfig {
  const file = path.join(projectDir, LINT_CONFIG_FILE);
  if (!fs.existsSync(file)) return DEFAULT_LINT_CONFIG;
  const shown = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StrataError('MALFORMED_PROJECT', `${shown} is not valid JSON: ${(error as Error).message}`, { file: shown });
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const where = [issue?.path.join('.'), keys].filter(Boolean).join('.') || '(root)';
    throw new StrataError('MALFORMED_PROJECT', `${shown}: ${where}: ${issue?.message ?? 'invalid'}`, { file: shown, key: where });
  }
  const unknown = Object.keys(parsed.data.rules ?? {}).filter((id) => !RULES_BY_ID.has(id));
  if (unknown.length > 0) {
    throw new StrataError('MALFORMED_PROJECT', `${shown}: rules.${unknown[0]}: unknown rule "${unknown[0]}" (strata lint --rules lists them)`, {
      file: shown,
      key: `rules.${unknown[0]}`,
    });
  }
  for (const [i, entry] of (parsed.data.ignore ?? []).entries()) {
    const bad = entry.rules.find((id) => !RULES_BY_ID.has(id));
    if (bad) throw new StrataError('MALFORMED_PROJECT', `${shown}: ignore.${i}.rules: unknown rule "${bad}" (strata lint --rules lists them)`, { file: shown, key: `ignore.${i}.rules` });
  }
  const { $schema: _schema, ...settings } = parsed.data;
  return { ...DEFAULT_LINT_CONFIG, ...settings, rules: settings.rules ?? {}, ignore: settings.ignore ?? [] };
}
