/**
 * What Strata knows about one backup, wherever it is kept (a schema of the target, or a
 * folder of compressed COPY files under STRATA_BACKUP_DIR). The id is the same kind of name
 * in both places (`strata_backup_<utc>_<version>_<random>`), and it is what the history
 * row of the change set it was taken for records.
 */
export interface BackupRecord {
  id: string;
  location: 'schema' | 'files';
  createdAt: Date;
  actor: string;
  /** The change set it was taken before (null for backups made before this was recorded). */
  changeSet: string | null;
  /** `up`: before an apply; `down`: before a rollback. */
  direction: 'up' | 'down' | null;
  tables: BackupTable[];
  /** Every copy matched its source's row count and checksum when it was made. */
  verified: boolean;
  /** Bytes on disk (the schema's relations, or the files). */
  sizeBytes: number;
}

export interface BackupTable {
  /** `schema.table` it was copied from. */
  source: string;
  /** The copy's name: a table of the backup schema, or a file of the backup folder. */
  copy: string;
  /** Null: the whole table; otherwise the key columns first, then the columns at risk. */
  columns: string[] | null;
  key: string[];
  rows: number;
  /** `<rows>:<checksum>` of the copied rows (row-checksum.ts), or null for unverified old backups. */
  fingerprint: string | null;
}

export const BACKUP_ID_PREFIX = 'strata_backup_';
export const BACKUP_ID_PATTERN = /^strata_backup_[a-z0-9_]{1,49}$/;

/** A new backup's id: when (UTC, to the second and tenth), for which version, and a random tail. */
export function newBackupId(version: number, random: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '').replace('T', 't').slice(0, 15);
  return `${BACKUP_ID_PREFIX}${stamp}_${String(version).padStart(4, '0')}_${random}`;
}

export function totalRows(backup: Pick<BackupRecord, 'tables'>): number {
  return backup.tables.reduce((n, t) => n + t.rows, 0);
}

/** `files.project_files (5 rows: id, workspace_id)`: what one copy holds, for messages. */
export function copiedText(table: BackupTable): string {
  const rows = `${table.rows.toLocaleString('en-US')} row${table.rows === 1 ? '' : 's'}`;
  return `${table.source} (${rows}${table.columns ? `: ${table.columns.join(', ')}` : ''})`;
}

/**
 * What puts the data back: undo the change set the backup was taken before (roll back
 * what was applied, re-apply what was rolled back), then restore.
 */
export function undoAdvice(backup: Pick<BackupRecord, 'id' | 'changeSet' | 'direction'>): string {
  const first = backup.direction === 'down' ? `re-apply ${backup.changeSet ?? 'the change set'}` : `roll back ${backup.changeSet ?? 'the change set'}`;
  return `to put the data back: ${first}, then restore ${backup.id}`;
}

/** The audit's words for a run's backups and for what retention removed after it. */
export function backupNotes(r: { backups: BackupRecord[]; pruned: Array<{ id: string; why: string }> }): string[] {
  return [
    ...r.backups.map((b) => `backup ${b.id} before ${b.changeSet}`),
    ...(r.pruned.length ? [`pruned ${r.pruned.map((p) => `${p.id} (${p.why})`).join(', ')}`] : []),
  ];
}
