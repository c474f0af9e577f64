import type { Protection } from '../config/types';
import { parseDatabaseUrl } from '../db/connection-url';
import { defaultBackupPolicy, parseBackupMode, type BackupPolicy } from './policy';

/** Everything a run needs to know about backups on its target: the policy and where copies go. */
export interface BackupSettings {
  policy: BackupPolicy;
  /** STRATA_BACKUP_DIR, or null: copies go into a schema of the target. */
  dir: string | null;
  /** This target's folder under `dir`: the environment's name, or one derived from a bare URL. */
  folder: string;
}

/** Something that is, or stands for, a target: a configured environment or a bare URL. */
export interface BackupTarget {
  name: string | null;
  url: string;
  protection: Protection | null;
  backup?: BackupPolicy;
}

/** The environment's configured policy, or the default for its protection. */
export function backupPolicyOf(target: Pick<BackupTarget, 'protection' | 'backup'>): BackupPolicy {
  return target.backup ?? defaultBackupPolicy(target.protection);
}

/**
 * The settings of a run on `target`; `modeOverride` is the CLI's `--backup MODE`, which
 * wins over the environment's policy for that run only (retention stays the environment's).
 */
export function backupSettingsFor(target: BackupTarget, dir: string | null, modeOverride?: string): BackupSettings {
  const policy = backupPolicyOf(target);
  return {
    policy: modeOverride === undefined ? policy : { ...policy, mode: parseBackupMode(modeOverride, '--backup') },
    dir,
    folder: target.name ?? urlFolder(target.url),
  };
}

/** `db-<host>-<port>-<database>`: a bare URL's backups stay apart from every other database's. */
function urlFolder(raw: string): string {
  const url = parseDatabaseUrl(raw);
  return `db-${url.hostname}-${url.port || '5432'}-${decodeURIComponent(url.pathname.slice(1))}`.replace(/[^A-Za-z0-9._-]/g, '_');
}
