import type { Project } from '../changesets/project';
import type { Environment, Protection, StrataConfig } from '../config/environments';
import { failureReason } from '../db/client';
import { safeMessage, secretUrlsOf, withSafeErrors } from '../db/safe-message';
import type { HistoryEntry } from '../migrate/history-store';
import { readTarget } from '../migrate/read-status';
import { rollbackChoices, type RollbackChoices } from '../migrate/rollback-choices';
import type { ChangeSetState, TargetStatus } from '../migrate/target-state';

/**
 * Where every change set stands on every environment, side by side in pipeline order
 * (local → staging → production): the data of the overview and of each environment page.
 * Plain JSON without URLs: it is rendered for browsers.
 */
export type CellState = ChangeSetState | 'rolled_back';

export interface ChangeSetCell {
  state: CellState;
  /** Why a change set is blocked and what resolves it. */
  reason: string | null;
  at: string | null;
  actor: string | null;
}

export interface EnvironmentColumn {
  name: string;
  protection: Protection;
  reachable: boolean;
  error: string | null;
  schemaVersion: string | null;
  /** Cells by tag; empty when unreachable. */
  cells: Record<string, ChangeSetCell>;
  history: HistoryEntry[];
  /** The rollbacks its page offers and what each undoes (the engine's plans); null when unreachable. */
  rollback: RollbackChoices | null;
}

export interface PipelineRow {
  version: number;
  tag: string;
  checksum: string;
  hasRollback: boolean;
}

export interface Promotion {
  from: string;
  to: string;
  /** Apply on `to` up to this tag: `from`'s schema version. */
  upTo: string;
  /** Change sets applied on `from` and pending on `to`, in journal order. */
  tags: string[];
}

export interface PipelineOverview {
  rows: PipelineRow[];
  environments: EnvironmentColumn[];
  promotions: Promotion[];
}

export async function readPipeline(config: StrataConfig, project: Project): Promise<PipelineOverview> {
  const secretUrls = secretUrlsOf(config);
  const environments = await Promise.all(config.environments.map((env) => readColumn(env, project, secretUrls)));
  return {
    rows: project.changeSets.map((c) => ({ version: c.version, tag: c.tag, checksum: c.forward.checksum, hasRollback: c.rollback !== null })),
    environments,
    promotions: promotionsOf(environments, project),
  };
}

/** `secretUrls`: every URL whose parts the error must not show (the configuration's, see secretUrlsOf). */
export async function readColumn(env: Environment, project: Project, secretUrls: readonly string[] = [env.url]): Promise<EnvironmentColumn> {
  const base = { name: env.name, protection: env.protection };
  try {
    const { status, history } = await readTarget(env.url, project);
    // History rows and cell reasons quote PostgreSQL's words about failures: they reach browsers.
    return withSafeErrors({ ...base, reachable: true, error: null, schemaVersion: status.schemaVersion, cells: cellsOf(status), history, rollback: rollbackChoices(project, status) }, [env.url, ...secretUrls]);
  } catch (error) {
    const reason = safeMessage(failureReason(error), [env.url, ...secretUrls]).slice(0, 300);
    return { ...base, reachable: false, error: reason, schemaVersion: null, cells: {}, history: [], rollback: null };
  }
}

function cellsOf(status: TargetStatus): Record<string, ChangeSetCell> {
  const cells: Record<string, ChangeSetCell> = {};
  for (const c of status.changeSets) {
    // "pending" after a rollback is worth telling apart from "never applied".
    // (An un-skipped change set was never run here: plain pending.)
    const state: CellState = c.state === 'pending' && c.last?.status === 'rolled_back' && c.last.operation !== 'unskip' ? 'rolled_back' : c.state;
    cells[c.changeSet.tag] = {
      state,
      reason: c.reason,
      at: c.last?.finishedAt ? new Date(c.last.finishedAt).toISOString() : null,
      actor: c.last?.actor ?? (c.appliedByDrizzleOnly ? 'drizzle-orm' : null),
    };
  }
  return cells;
}

/** Each environment can take what the one before it has (pending there, applied before). */
function promotionsOf(columns: EnvironmentColumn[], project: Project): Promotion[] {
  const promotions: Promotion[] = [];
  for (let i = 1; i < columns.length; i++) {
    const from = columns[i - 1]!;
    const to = columns[i]!;
    if (!from.reachable || !to.reachable || !from.schemaVersion) continue;
    const limit = project.changeSets.find((c) => c.tag === from.schemaVersion)!.version;
    const tags = project.changeSets
      .filter((c) => c.version <= limit && from.cells[c.tag]?.state === 'applied' && ['pending', 'rolled_back'].includes(to.cells[c.tag]?.state ?? ''))
      .map((c) => c.tag);
    if (tags.length) promotions.push({ from: from.name, to: to.name, upTo: from.schemaVersion, tags });
  }
  return promotions;
}
