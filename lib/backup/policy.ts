import type { EnvVars } from '../config/embedded-settings';
import { backupModes, type BackupMode, type BackupPolicy, type Protection } from '../config/types';
import { StrataError } from '../errors';

// The policy's types live with the configuration's (config/types.ts), which names them.
export { backupModes, type BackupMode, type BackupPolicy };

/**
 * The retention defaults are the ones our users' own v1→v2 procedure keeps: the newest 10,
 * none older than 30 days.
 */
export const DEFAULT_BACKUP_KEEP = 10;
export const DEFAULT_BACKUP_MAX_AGE_DAYS = 30;

/**
 * Open environments are scratch space, so they default to no copies; anything guarded or
 * protected — and a bare --database-url, whose importance Strata cannot know — defaults
 * to copying what can be destroyed.
 */
export function defaultBackupPolicy(protection: Protection | null): BackupPolicy {
  return { mode: protection === 'open' ? 'off' : 'destructive', keep: DEFAULT_BACKUP_KEEP, maxAgeDays: DEFAULT_BACKUP_MAX_AGE_DAYS };
}

export function parseBackupMode(value: string, where: string): BackupMode {
  const mode = value.trim();
  if (!(backupModes as readonly string[]).includes(mode)) {
    throw new StrataError('BAD_USAGE', `${where} must be one of ${backupModes.join(', ')} (got "${value}")`);
  }
  return mode as BackupMode;
}

/**
 * An environment's policy from `<prefix>_BACKUP` (mode), `<prefix>_BACKUP_KEEP` and
 * `<prefix>_BACKUP_MAX_AGE_DAYS`, each falling back to the config file's value (`fromFile`,
 * already validated there) and then to the default for its protection.
 */
export function backupPolicyFromVariables(prefix: string, env: EnvVars, protection: Protection, fromFile: Partial<BackupPolicy> = {}): BackupPolicy {
  const defaults = defaultBackupPolicy(protection);
  const mode = env[`${prefix}_BACKUP`];
  return {
    mode: mode?.trim() ? parseBackupMode(mode, `${prefix}_BACKUP`) : (fromFile.mode ?? defaults.mode),
    keep: wholeNumber(env[`${prefix}_BACKUP_KEEP`], `${prefix}_BACKUP_KEEP`, 1) ?? fromFile.keep ?? defaults.keep,
    maxAgeDays: wholeNumber(env[`${prefix}_BACKUP_MAX_AGE_DAYS`], `${prefix}_BACKUP_MAX_AGE_DAYS`, 1) ?? fromFile.maxAgeDays ?? defaults.maxAgeDays,
  };
}

/** A whole-number setting of at least `min`, or undefined when unset; BAD_USAGE naming the variable otherwise. */
export function wholeNumber(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < min) throw new StrataError('BAD_USAGE', `${name} must be a whole number of at least ${min} (got "${value}")`);
  return n;
}
