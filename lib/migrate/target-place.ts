import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';

/*
 * Where on a database one target lives. A target is usually the whole database: its history
 * is in schema `strata`, its change sets run with the session's own search_path, and its
 * runner lock is one per database. A schema-per-tenant target (a `schemas` fleet, README
 * "Schema-per-tenant fleets") is one schema of a shared database: its change sets run with
 * that schema as search_path, its history is kept in a schema of its own, and its lock is
 * keyed by the tenant, so tenants of one database migrate side by side but one tenant never twice.
 *
 * Every SQL that names a bookkeeping table takes the history schema from here, as an
 * identifier (historySchema below, or format('%I') on the server), never pasted raw into the text.
 */
export interface TargetPlace {
  /** The tenant schema, or null for a whole database. */
  tenant: string | null;
  /** The schema holding change_log, batch_checkpoint and the append-only trigger. */
  history: string;
}

/** A whole database, as every target was before tenants: history in `strata`. */
export const DATABASE_PLACE: TargetPlace = Object.freeze({ tenant: null, history: 'strata' });

/**
 * The prefix of a tenant's history schema. It starts with `strata_`, which discovery never
 * matches and introspection treats as bookkeeping (isBookkeepingSchema), so a tenant's
 * history never shows in its ERD or drift and is never taken for a tenant.
 */
export const TENANT_HISTORY_PREFIX = 'strata_t_';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes: longer names are silently truncated, so they are refused. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The place of a tenant schema. Any name PostgreSQL can hold is accepted — quotes, `;` and
 * spaces included, since it only ever travels as an identifier — except names its history
 * schema could not hold (truncation would make two tenants share one history), empty ones,
 * and names that are Strata's or the system's own.
 */
export function tenantPlace(schema: string): TargetPlace {
  if (schema.length === 0) throw new StrataError('BAD_USAGE', 'A tenant schema name cannot be empty');
  if (schema.includes('\0')) throw new StrataError('BAD_USAGE', 'A tenant schema name cannot contain a NUL character');
  if (isReservedSchema(schema)) {
    throw new StrataError('BAD_USAGE', `"${schema.slice(0, 80)}" cannot be a tenant schema: strata, strata_…, drizzle, pg_…, information_schema and public are not tenants`);
  }
  const history = `${TENANT_HISTORY_PREFIX}${schema}`;
  const bytes = Buffer.byteLength(history, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw new StrataError(
      'BAD_USAGE',
      `Tenant schema "${schema.slice(0, 80)}" is too long: its history schema "${TENANT_HISTORY_PREFIX}…" would be ${bytes} bytes, and PostgreSQL names hold ${MAX_IDENTIFIER_BYTES} (tenant names up to ${MAX_IDENTIFIER_BYTES - TENANT_HISTORY_PREFIX.length} bytes)`,
    );
  }
  return { tenant: schema, history };
}

/** The place of an environment or run context: its tenant schema's, or the whole database's. */
export function placeOf(target: { schema?: string | null; place?: TargetPlace }): TargetPlace {
  if (target.place) return target.place;
  return target.schema ? tenantPlace(target.schema) : DATABASE_PLACE;
}

/** Schemas that are never a tenant: Strata's and drizzle's bookkeeping, the system's, and public (where extensions go). */
export function isReservedSchema(name: string): boolean {
  return /^(strata(_|$)|drizzle$|pg_)/.test(name) || name === 'information_schema' || name === 'public';
}

/**
 * The place a locked session works on, bound by withTargetLock when it takes the lock: the
 * lock, the history and the search_path of a run are one target's, and everything that runs
 * on that session (bookkeeping, history rows, checkpoints, the change sets' search_path)
 * reads it from here rather than being told again. Readers without the lock (status, drift)
 * name their place explicitly.
 */
const sessionPlaces = new WeakMap<object, TargetPlace>();

export function bindSessionPlace(session: object, place: TargetPlace): void {
  sessionPlaces.set(session, place);
}

/** The place bound to a locked session; a whole database for any other connection. */
export function sessionPlace(session: object): TargetPlace {
  return sessionPlaces.get(session) ?? DATABASE_PLACE;
}

/**
 * A tenant session's search_path, as the value of the setting (not SQL): the tenant, quoted
 * the way PostgreSQL reads a list of names, then public for extensions. Null for a whole database.
 */
export function tenantSearchPath(place: TargetPlace): string | null {
  return place.tenant === null ? null : `"${place.tenant.replaceAll('"', '""')}", public`;
}

/**
 * The history schema as an identifier fragment for postgres.js queries (`${historySchema(sql,
 * place)}.change_log`): quoted by quoteIdent, the one way a name reaches SQL text. Not
 * sql(name): postgres.js reads a dot in the name as schema.table, and a tenant may be called `a.b`.
 */
export function historySchema<S extends { unsafe(query: string): unknown }>(sql: S, place: TargetPlace): ReturnType<S['unsafe']> {
  return sql.unsafe(quoteIdent(place.history)) as ReturnType<S['unsafe']>;
}
