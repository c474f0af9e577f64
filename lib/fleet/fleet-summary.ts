import { withConsole } from '../auth/console-db';
import type { Project } from '../changesets/project';
import type { StrataConfig } from '../config/types';
import { projectKey, TARGET_STATES, type CellState, type TargetOverview } from './fleet-overview';
import type { FleetQuery } from './fleet-query';
import type { Fleet, TargetState } from './types';

/**
 * The fleet page's numbers, aggregated by the console database over the cache
 * (console.fleet_targets): counts per state, the matrix's column totals (change set ×
 * state), and one filtered, sorted page of targets. The browser never receives 1,000
 * rows to count them itself.
 */

export { DEFAULT_FLEET_QUERY, FLEET_SORTS, type FleetQuery, type FleetSort } from './fleet-query';

export interface FleetSummary {
  fleet: { name: string; protection: Fleet['protection']; source: Fleet['source']['kind'] };
  /** The project's change sets, in journal order: the matrix's columns and each row's cells. */
  changeSets: string[];
  /** Targets the fleet lists (or discovers) now. */
  total: number;
  /** Of those, targets not yet read for this version of the project. */
  unchecked: number;
  counts: Record<TargetState, number>;
  /** Per change set, how many targets have it in each state (only states that occur). */
  matrix: Record<string, Partial<Record<CellState, number>>>;
  /** The oldest and newest reading among the rows counted. */
  checkedBetween: { oldest: string; newest: string } | null;
}

export interface FleetPage extends FleetSummary {
  query: FleetQuery;
  /** How many targets match the state and search filters (paging's total). */
  matched: number;
  targets: TargetOverview[];
}

/** The summary alone: the home page's card. */
export async function readFleetSummary(config: StrataConfig, fleet: Fleet, project: Project, targetNames: string[]): Promise<FleetSummary> {
  return withConsole(config, async (sql) => {
    const key = projectKey(project);
    const [states, span] = await Promise.all([
      sql`
        select state, count(*)::int as n from console.fleet_targets
        where fleet = ${fleet.name} and project_key = ${key} and target = any(${targetNames})
        group by state`,
      sql`
        select min(checked_at) as oldest, max(checked_at) as newest from console.fleet_targets
        where fleet = ${fleet.name} and project_key = ${key} and target = any(${targetNames})`,
    ]);
    const counts = Object.fromEntries(TARGET_STATES.map((s) => [s, 0])) as Record<TargetState, number>;
    for (const row of states) counts[row.state as TargetState] = Number(row.n);
    const checked = Object.values(counts).reduce((a, b) => a + b, 0);
    const matrix = await columnTotals(config, fleet, project, targetNames);
    const oldest = span[0]?.oldest as Date | null | undefined;
    const newest = span[0]?.newest as Date | null | undefined;
    return {
      fleet: { name: fleet.name, protection: fleet.protection, source: fleet.source.kind },
      changeSets: project.changeSets.map((c) => c.tag),
      total: targetNames.length,
      unchecked: targetNames.length - checked,
      counts,
      matrix,
      checkedBetween: oldest && newest ? { oldest: new Date(oldest).toISOString(), newest: new Date(newest).toISOString() } : null,
    };
  });
}

/** Change set × state counts: the cells arrays are in journal order, so position i is change set i. */
async function columnTotals(config: StrataConfig, fleet: Fleet, project: Project, targetNames: string[]): Promise<FleetSummary['matrix']> {
  const rows = await withConsole(
    config,
    (sql) => sql`
      select c.i::int as i, c.state, count(*)::int as n
      from console.fleet_targets f, jsonb_array_elements_text(f.cells) with ordinality as c(state, i)
      where f.fleet = ${fleet.name} and f.project_key = ${projectKey(project)} and f.target = any(${targetNames})
      group by 1, 2`,
  );
  const matrix: FleetSummary['matrix'] = Object.fromEntries(project.changeSets.map((c) => [c.tag, {}]));
  for (const row of rows) {
    const tag = project.changeSets[Number(row.i) - 1]?.tag;
    if (tag) matrix[tag]![row.state as CellState] = Number(row.n);
  }
  return matrix;
}

/** Severity order for sorting by state: the most urgent first (TARGET_STATES' order). */
const STATE_RANK = TARGET_STATES.map((s, i) => `when '${s}' then ${i}`).join(' ');

/** Escapes LIKE's wildcards: a search for `a_b` or `100%` means those characters. */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The summary and one page of targets, filtered and sorted by the console database. */
export async function readFleetPage(config: StrataConfig, fleet: Fleet, project: Project, targetNames: string[], query: FleetQuery): Promise<FleetPage> {
  const summary = await readFleetSummary(config, fleet, project, targetNames);
  const { rows, matched } = await withConsole(config, async (sql) => {
    const where = sql`
      fleet = ${fleet.name} and project_key = ${projectKey(project)} and target = any(${targetNames})
      ${query.state ? sql`and state = ${query.state}` : sql``}
      ${query.search ? sql`and target ilike ${likeContaining(query.search)}` : sql``}`;
    const direction = query.order === 'desc' ? sql`desc` : sql`asc`;
    // Only these fragments reach ORDER BY: the sort is an enum, never text from the request.
    const order =
      query.sort === 'state'
        ? sql`case state ${sql.unsafe(STATE_RANK)} end ${direction}, target asc`
        : query.sort === 'pending'
          ? sql`pending ${direction}, target asc`
          : query.sort === 'checked'
            ? sql`checked_at ${direction}, target asc`
            : sql`target ${direction}`;
    const [count] = await sql`select count(*)::int as n from console.fleet_targets where ${where}`;
    const rows = await sql`
      select target, state, applied, pending, last_tag, last_migration_at, cells, drift_changes, problem, checked_at, check_ms
      from console.fleet_targets where ${where}
      order by ${order}
      limit ${query.limit} offset ${query.offset}`;
    return { rows, matched: Number(count?.n ?? 0) };
  });
  return { ...summary, query, matched, targets: rows.map(toOverview) };
}

export function toOverview(row: Record<string, unknown>): TargetOverview {
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());
  return {
    target: String(row.target),
    state: row.state as TargetState,
    applied: Number(row.applied),
    pending: Number(row.pending),
    lastTag: (row.last_tag as string | null) ?? null,
    lastMigrationAt: iso(row.last_migration_at),
    cells: row.cells as CellState[],
    driftChanges: row.drift_changes === null ? null : Number(row.drift_changes),
    problem: (row.problem as string | null) ?? null,
    checkedAt: iso(row.checked_at)!,
    checkMs: Number(row.check_ms),
  };
}
