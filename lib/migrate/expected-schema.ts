import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChangeSet, Project } from '../changesets/project';
import { assertReachable, connect, failureReason } from '../db/client';
import { withDatabase } from '../db/connection-url';
import { introspectUrl } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import type { Logger } from '../observability/logger';
import type { ProgressEvent } from './run-context';
import { withShadowDatabase } from './shadow-database';

/**
 * The schema a list of applied change sets produces. It never changes for the same list
 * (tags and file checksums, in the order the target applied them) on the same PostgreSQL
 * major version, so it is built once on a shadow database — with no lock on any target —
 * and kept in a store; a drift check is then one introspection of the target and a diff.
 */

/** One applied change set, as far as the schema it leaves behind depends on it. */
export interface AppliedChangeSet {
  tag: string;
  /** sha256 of its forward file. */
  checksum: string;
}

export interface StoredExpectedSchema {
  key: string;
  applied: AppliedChangeSet[];
  /** Major version of the server the replay ran on (introspection output can differ between majors). */
  serverVersion: number;
  model: SchemaModel;
  computedAt: string;
  computedMs: number;
}

/**
 * Where expected schemas are kept between checks (the console keeps them in its database).
 * An entry never goes stale: its key says everything it was built from.
 */
export interface ExpectedSchemaStore {
  get(key: string): Promise<StoredExpectedSchema | null>;
  /** Must succeed when another process stored the same key first. */
  put(entry: StoredExpectedSchema): Promise<void>;
}

/** Where a check's expected schema came from, without the model itself. */
export interface ExpectedSchemaOrigin {
  key: string;
  /** `cached`: read from the store; `computed`: replayed on a shadow database for this check (or one running at the same time). */
  source: 'cached' | 'computed';
  computedAt: string;
  computedMs: number;
  serverVersion: number;
}

export interface ExpectedSchema {
  model: SchemaModel;
  origin: ExpectedSchemaOrigin;
}

export interface ExpectedSchemaOptions {
  shadowServerUrl: string;
  /** Null: no store (a bare --database-url from the CLI); every check replays. */
  store?: ExpectedSchemaStore | null;
  logger: Logger;
  onProgress?: (event: ProgressEvent) => void;
}

export function appliedList(changeSets: ChangeSet[]): AppliedChangeSet[] {
  return changeSets.map((c) => ({ tag: c.tag, checksum: c.forward.checksum }));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const pairs = (applied: AppliedChangeSet[]) => applied.map((a) => [a.tag, a.checksum]);

/** Which applied set a target has: equal values, same change sets with the same files in the same order. */
export function appliedSetKey(applied: AppliedChangeSet[]): string {
  return sha256(JSON.stringify(pairs(applied)));
}

/** The key of the schema `applied` produces when replayed on a server of major version `serverVersion`. */
export function expectedSchemaKey(applied: AppliedChangeSet[], serverVersion: number): string {
  return sha256(JSON.stringify({ serverVersion, applied: pairs(applied) }));
}

/** Computations in progress in this process, by key: concurrent callers share one replay. */
const inFlight = new Map<string, Promise<StoredExpectedSchema>>();

/**
 * The schema `applied` (in the order the target applied them) produces: from the store
 * when it is there, else replayed on a shadow database, introspected and stored. A store
 * that cannot be reached is skipped with a warning: the check still gets its answer.
 */
export async function expectedSchema(project: Project, applied: ChangeSet[], options: ExpectedSchemaOptions): Promise<ExpectedSchema> {
  const list = appliedList(applied);
  const serverVersion = await shadowServerVersion(options.shadowServerUrl);
  const key = expectedSchemaKey(list, serverVersion);
  if (!inFlight.has(key)) {
    const stored = await fromStore(options, key);
    if (stored) return described(stored, 'cached');
  }
  let flight = inFlight.get(key);
  if (!flight) {
    flight = compute(project, applied, serverVersion, options).finally(() => inFlight.delete(key));
    inFlight.set(key, flight);
  }
  return described(await flight, 'computed');
}

function described(entry: StoredExpectedSchema, source: ExpectedSchemaOrigin['source']): ExpectedSchema {
  const { model, key, computedAt, computedMs, serverVersion } = entry;
  return { model, origin: { key, source, computedAt, computedMs, serverVersion } };
}

async function compute(project: Project, applied: ChangeSet[], expectedVersion: number, options: ExpectedSchemaOptions): Promise<StoredExpectedSchema> {
  options.onProgress?.({ type: 'phase', label: `Replaying ${applied.length} applied change sets onto a shadow database (first check of this applied set)` });
  const computedAt = new Date();
  const t0 = performance.now();
  const model = await withShadowDatabase(options.shadowServerUrl, project, options.logger, (url) => introspectUrl(url), { changeSets: applied });
  // The remembered version can be stale after an upgrade of the shadow server: the replay says where it really ran.
  const serverVersion = majorOf(model.serverVersionNum);
  if (serverVersion !== expectedVersion) rememberVersion(options.shadowServerUrl, serverVersion);
  const list = appliedList(applied);
  const entry: StoredExpectedSchema = {
    key: expectedSchemaKey(list, serverVersion),
    applied: list,
    serverVersion,
    model,
    computedAt: computedAt.toISOString(),
    computedMs: Math.round(performance.now() - t0),
  };
  await toStore(options, entry);
  return entry;
}

async function fromStore(options: ExpectedSchemaOptions, key: string): Promise<StoredExpectedSchema | null> {
  if (!options.store) return null;
  try {
    return await options.store.get(key);
  } catch (error) {
    options.logger.warn({ reason: failureReason(error) }, 'expected schemas cannot be read from their store; replaying on a shadow database instead');
    return null;
  }
}

async function toStore(options: ExpectedSchemaOptions, entry: StoredExpectedSchema): Promise<void> {
  if (!options.store) return;
  try {
    await options.store.put(entry);
  } catch (error) {
    options.logger.warn({ reason: failureReason(error) }, 'the expected schema could not be stored; the next check replays again');
  }
}

const majorOf = (serverVersionNum: number) => Math.floor(serverVersionNum / 10_000);

/**
 * A server's major version changes only through an upgrade and a restart, so it is asked
 * once per server every few minutes rather than on every check (a connection costs as
 * much as the rest of a cached check).
 */
const VERSION_TTL_MS = 5 * 60_000;
const versions = new Map<string, { major: number; at: number }>();

function rememberVersion(serverUrl: string, major: number): void {
  versions.set(serverUrl, { major, at: Date.now() });
}

async function shadowServerVersion(serverUrl: string): Promise<number> {
  const known = versions.get(serverUrl);
  if (known && Date.now() - known.at < VERSION_TTL_MS) return known.major;
  const url = withDatabase(serverUrl, 'postgres');
  const sql = connect(url, { max: 1, applicationName: 'strata:shadow' });
  try {
    await assertReachable(sql, url);
    const [row] = await sql`select current_setting('server_version_num')::int as version`;
    const major = majorOf(Number(row?.version));
    rememberVersion(serverUrl, major);
    return major;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
