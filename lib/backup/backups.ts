import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Statement } from '../changesets/statements';
import type { ChangeSet } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { StrataError } from '../errors';
import type { RunContext } from '../migrate/run-context';
import type { LockedConnection } from '../migrate/target-lock';
import { BACKUP_ID_PATTERN, newBackupId, totalRows, type BackupRecord } from './backup-record';
import { planCopies } from './copy-plan';
import { copyIntoFiles, dropFileBackup, listFileBackups } from './file-store';
import { copyIntoSchema, dropSchemaBackup, listSchemaBackups } from './schema-store';
import { sessionPlace, type TargetPlace } from '../migrate/target-place';
import { backupSettingsFor, type BackupSettings } from './settings';

/**
 * The one door to backups, whichever store keeps them: taking one before a change set,
 * listing, finding, pruning. Callers never pick a store themselves.
 */

/** The run's settings; a context without any (a bare engine call) gets a bare URL's defaults. */
export function settingsOf(ctx: Pick<RunContext, 'backup' | 'url' | 'environment'>): BackupSettings {
  return ctx.backup ?? backupSettingsFor({ name: ctx.environment, url: ctx.url, protection: null }, null);
}

/** The context with backups switched off for its runs (a scratch database that is about to be dropped). */
export function withoutBackups<C extends RunContext>(ctx: C): C {
  const settings = settingsOf(ctx);
  return { ...ctx, backup: { ...settings, policy: { ...settings.policy, mode: 'off' } } };
}

function folderOf(settings: BackupSettings): string | null {
  return settings.dir ? path.join(settings.dir, settings.folder) : null;
}

/**
 * Copies, and verifies, what the change set's file about to run can destroy (or, under
 * `always`, every table it touches), per the run's policy. Null when there is nothing to
 * copy. A copy that does not verify throws BACKUP_NOT_VERIFIED, leaving nothing behind.
 */
export async function backupBeforeChangeSet(
  conn: LockedConnection,
  ctx: RunContext,
  changeSet: ChangeSet,
  statements: Statement[],
  direction: 'up' | 'down',
): Promise<BackupRecord | null> {
  const settings = settingsOf(ctx);
  const specs = await planCopies(conn, statements, settings.policy.mode);
  if (specs.length === 0) return null;
  const rows = specs.reduce((n, s) => n + s.rows, 0);
  ctx.onProgress?.({ type: 'phase', label: `Backing up ${specs.map((s) => `${s.table.schema}.${s.table.name}`).join(', ')} (${rows.toLocaleString('en-US')} rows) before ${changeSet.tag}` });
  const id = newBackupId(changeSet.version, randomBytes(2).toString('hex'));
  const meta = { actor: ctx.actor, changeSet: changeSet.tag, direction };
  const folder = folderOf(settings);
  const backup = folder ? await copyIntoFiles(conn, ctx.url, folder, id, specs, meta) : await copyIntoSchema(conn, id, specs, meta);
  ctx.logger.info(
    { env: ctx.environment, backup: backup.id, location: backup.location, tag: changeSet.tag, direction, tables: backup.tables.map((t) => t.source), rows: totalRows(backup), bytes: backup.sizeBytes, actor: ctx.actor },
    'backup verified',
  );
  return backup;
}

/** Every backup of this target, newest first: the schema ones (always looked for) and, with a backup folder, its files. */
export async function listBackups(conn: Sql, settings: BackupSettings): Promise<BackupRecord[]> {
  const folder = folderOf(settings);
  const all = [...ownSchemaBackups(await listSchemaBackups(conn), sessionPlace(conn)), ...(folder ? listFileBackups(folder) : [])];
  return all.sort((a, b) => b.id.localeCompare(a.id));
}

/**
 * A tenant schema's backups among the database's (target-place.ts): those copied from its
 * own tables alone, so one tenant's retention never prunes, and its restore never finds,
 * another tenant's copies. A whole database's target sees them all, as before tenants.
 */
function ownSchemaBackups(backups: BackupRecord[], place: TargetPlace): BackupRecord[] {
  if (place.tenant === null) return backups;
  const prefix = `${place.tenant}.`;
  return backups.filter((b) => b.tables.length > 0 && b.tables.every((t) => t.source.startsWith(prefix)));
}

export async function findBackup(conn: Sql, settings: BackupSettings, id: string): Promise<BackupRecord> {
  if (!BACKUP_ID_PATTERN.test(id)) throw new StrataError('BAD_USAGE', `"${id.slice(0, 80)}" is not a Strata backup name (strata_backup_…)`);
  const found = (await listBackups(conn, settings)).find((b) => b.id === id);
  if (!found) throw new StrataError('NOT_FOUND', `No backup "${id}" on this target`);
  return found;
}

export interface PruneResult {
  removed: Array<{ id: string; why: string }>;
  kept: string[];
}

/**
 * Applies the retention policy: the newest `keep` backups stay unless older than
 * `maxAgeDays`; every other one is removed. Returns what went and why, for the log and the
 * audit trail.
 */
export async function pruneBackups(conn: Sql, settings: BackupSettings, now = new Date()): Promise<PruneResult> {
  const { keep, maxAgeDays } = settings.policy;
  const oldest = now.getTime() - maxAgeDays * 86_400_000;
  const result: PruneResult = { removed: [], kept: [] };
  for (const [i, backup] of (await listBackups(conn, settings)).entries()) {
    const why = backup.createdAt.getTime() < oldest ? `older than ${maxAgeDays} days` : i >= keep ? `beyond the newest ${keep}` : null;
    if (!why) {
      result.kept.push(backup.id);
      continue;
    }
    await dropBackup(conn, settings, backup);
    result.removed.push({ id: backup.id, why });
  }
  return result;
}

async function dropBackup(conn: Sql, settings: BackupSettings, backup: BackupRecord): Promise<void> {
  if (backup.location === 'schema') await dropSchemaBackup(conn, backup.id);
  else dropFileBackup(folderOf(settings)!, backup.id);
}

export { folderOf as backupFolderOf };

/**
 * The backups of a target, read without its lock: listing them reads the catalog (and the
 * backup folder) only, so looking never waits for, or blocks, a run.
 */
export async function readBackups(url: string, settings: BackupSettings): Promise<BackupRecord[]> {
  const sql = connect(url, { max: 1, applicationName: 'strata:backups' });
  try {
    return await listBackups(sql, settings);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
