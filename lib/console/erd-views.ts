import type postgres from 'postgres';
import type { z } from 'zod';
import { withConsole } from '../auth/console-db';
import { can } from '../auth/guard';
import type { Principal } from '../auth/types';
import { findEnvironment, type StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { canonicalViewState, positionsSchema, viewNameSchema, type Positions } from './erd-view-input';

/**
 * Named ERD views (console.erd_views): a subset of an environment's diagram — its canonical
 * view-state query string (lib/erd/view-state.ts) — plus the table positions its author
 * arranged, kept under a name so that a link (`/environments/<env>/erd?view=<id>`) shows
 * everyone the same thing. A view changes no environment: whoever may read the schema may save
 * one; only its author renames or changes it; its author or an admin deletes it.
 */

/** What the list shows: everything but the layout. */
export interface ErdViewSummary {
  id: number;
  environment: string;
  name: string;
  /** The canonical query string of the view (no leading `?`; empty for the default view). */
  state: string;
  /** How many tables the layout places. */
  positioned: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ErdView extends ErdViewSummary {
  positions: Positions;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? ` (${issue.path.join('.')})` : '';
  throw new StrataError('BAD_USAGE', `${what}${where}: ${issue.message}`);
}

const checkName = (name: unknown) => checked(viewNameSchema, name, 'The view name');
const checkPositions = (positions: unknown): Positions => checked(positionsSchema, positions, 'The view layout') as Positions;

const COLUMNS = 'id, environment, name, query, positions, created_by, created_at, updated_at';

function toView(row: postgres.Row): ErdView {
  const positions = (row.positions ?? {}) as Positions;
  return {
    id: Number(row.id),
    environment: row.environment,
    name: row.name,
    state: row.query,
    positioned: Object.keys(positions).length,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    positions,
  };
}

function summary(view: ErdView): ErdViewSummary {
  const { positions: _layout, ...rest } = view;
  return rest;
}

/** A unique-name violation as the error people read; anything else unchanged. */
function duplicateName(error: unknown, environment: string, name: string): unknown {
  const pg = error as { code?: string; constraint_name?: string };
  if (pg.code === '23505' && pg.constraint_name === 'erd_views_name') {
    return new StrataError('ALREADY_EXISTS', `${environment} already has a view named “${name}” (names are compared without case); choose another name`, { environment, name });
  }
  return error;
}

const json = (sql: postgres.Sql<Record<string, never>>, value: unknown) => sql.json(value as postgres.JSONValue);

/** An id as a door received it: a positive integer, or NOT_FOUND (never a query). */
export function viewId(raw: string | number): number {
  const text = String(raw);
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new StrataError('NOT_FOUND', `No view ${text.slice(0, 40)}`);
  return Number(text);
}

/** The environment's views, by name. UNKNOWN_ENVIRONMENT for a name the configuration lacks. */
export async function listErdViews(config: StrataConfig, environment: string): Promise<ErdViewSummary[]> {
  findEnvironment(config, environment);
  return withConsole(config, async (sql) => {
    const rows = await sql`
      select id, environment, name, query, created_by, created_at, updated_at, (select count(*) from jsonb_object_keys(positions))::int as positioned
      from console.erd_views where environment = ${environment} order by lower(name), id`;
    return rows.map((row) => ({ ...summary(toView(row)), positioned: Number(row.positioned) }));
  });
}

/** One view of this environment; NOT_FOUND for an id that is not one (or is another environment's). */
export async function getErdView(config: StrataConfig, environment: string, id: number): Promise<ErdView> {
  findEnvironment(config, environment);
  return withConsole(config, async (sql) => {
    const [row] = await sql.unsafe(`select ${COLUMNS} from console.erd_views where id = $1 and environment = $2`, [id, environment]);
    if (!row) throw notFound(environment, id);
    return toView(row);
  });
}

function notFound(environment: string, id: number): StrataError {
  return new StrataError('NOT_FOUND', `${environment} has no view ${id}`, { environment, id });
}

export interface NewErdView {
  name: string;
  /** A view-state query string; stored in its canonical form. */
  state: string;
  positions: Positions;
}

/** Saves a view under a name not yet used on this environment (ALREADY_EXISTS otherwise, also when two save at once). */
export async function createErdView(config: StrataConfig, principal: Principal, environment: string, input: NewErdView): Promise<ErdView> {
  findEnvironment(config, environment);
  const name = checkName(input.name);
  const state = canonicalViewState(input.state);
  const positions = checkPositions(input.positions);
  return withConsole(config, async (sql) => {
    try {
      const [row] = await sql`
        insert into console.erd_views (environment, name, query, positions, created_by)
        values (${environment}, ${name}, ${state}, ${json(sql, positions)}, ${principal.username})
        returning id, environment, name, query, positions, created_by, created_at, updated_at`;
      return toView(row!);
    } catch (error) {
      throw duplicateName(error, environment, name);
    }
  });
}

export interface ErdViewChange {
  name?: string;
  state?: string;
  positions?: Positions;
}

/** Renames a view or replaces its state or layout: its author only. */
export async function updateErdView(config: StrataConfig, principal: Principal, environment: string, id: number, change: ErdViewChange): Promise<ErdView> {
  findEnvironment(config, environment);
  const name = change.name === undefined ? undefined : checkName(change.name);
  const state = change.state === undefined ? undefined : canonicalViewState(change.state);
  const positions = change.positions === undefined ? undefined : checkPositions(change.positions);
  if (name === undefined && state === undefined && positions === undefined) throw new StrataError('BAD_USAGE', 'Nothing to change: give a name, a state or positions');
  return withConsole(config, (sql) =>
    sql.begin(async (tx) => {
      const current = await ownedView(tx, principal, environment, id, 'change');
      try {
        const [row] = await tx`
          update console.erd_views
          set name = ${name ?? current.name}, query = ${state ?? current.state}, positions = ${tx.json((positions ?? current.positions) as postgres.JSONValue)}, updated_at = now()
          where id = ${id} and environment = ${environment}
          returning id, environment, name, query, positions, created_by, created_at, updated_at`;
        return toView(row!);
      } catch (error) {
        throw duplicateName(error, environment, name ?? current.name);
      }
    }),
  );
}

/** Deletes a view: its author, or an admin (`view.manage`). Answers what was deleted. */
export async function deleteErdView(config: StrataConfig, principal: Principal, environment: string, id: number): Promise<ErdViewSummary> {
  findEnvironment(config, environment);
  return withConsole(config, (sql) =>
    sql.begin(async (tx) => {
      const current = await ownedView(tx, principal, environment, id, 'delete');
      await tx`delete from console.erd_views where id = ${id} and environment = ${environment}`;
      return summary(current);
    }),
  );
}

/**
 * Whether `principal` may change or delete this view: FORBIDDEN when it is someone else's — an
 * admin may delete it, nobody but its author may change it.
 */
function accessRefusal(view: ErdViewSummary, principal: Principal, what: 'change' | 'delete'): StrataError | null {
  if (view.createdBy === principal.username) return null;
  if (what === 'delete' && can(principal, 'view.manage')) return null;
  return new StrataError(
    'FORBIDDEN',
    what === 'delete' ? `“${view.name}” is ${view.createdBy}'s view: only its author or an admin may delete it` : `“${view.name}” is ${view.createdBy}'s view: only its author may change it`,
    { action: what === 'delete' ? 'view.manage' : 'view.save', id: view.id },
  );
}

/**
 * For the doors, before their audited change: NOT_FOUND or FORBIDDEN (a refusal, audited as
 * one) without writing an intent. The change itself decides again under the row's lock.
 */
export async function assertViewAccess(config: StrataConfig, principal: Principal, environment: string, id: number, what: 'change' | 'delete'): Promise<void> {
  const refused = accessRefusal(await getErdView(config, environment, id), principal, what);
  if (refused) throw refused;
}

/** The view, locked for the change, when `principal` may make it (NOT_FOUND before anything about its owner is said). */
async function ownedView(tx: postgres.TransactionSql<Record<string, never>>, principal: Principal, environment: string, id: number, what: 'change' | 'delete'): Promise<ErdView> {
  const [row] = await tx.unsafe(`select ${COLUMNS} from console.erd_views where id = $1 and environment = $2 for update`, [id, environment]);
  if (!row) throw notFound(environment, id);
  const view = toView(row);
  const refused = accessRefusal(view, principal, what);
  if (refused) throw refused;
  return view;
}
