import 'server-only';
import { findEnvironment, loadConfig, type Environment } from '@/lib/config/environments';
import { failureReason } from '@/lib/db/client';
import { safeMessage, secretUrlsOf } from '@/lib/db/safe-message';
import { isStrataError } from '@/lib/errors';
import { StampedSchemaReader } from '@/lib/introspect/stamped-reader';
import type { SchemaModel } from '@/lib/introspect/schema-model';

/**
 * The one server-side door from an environment name to its SchemaModel, shared by the
 * schema API, the exports and the table page. It turns every failure into a short message
 * meant for people — never a stack trace, never the environment's URL (a secret), its
 * host, user or database name.
 */
export type SchemaRead =
  | { ok: true; environment: Pick<Environment, 'name' | 'protection'>; model: SchemaModel }
  | { ok: false; status: 404 | 503 | 500; error: 'unknown_environment' | 'unreachable' | 'introspection_failed'; message: string };

// Keeps each environment's last model with its catalog stamp: a poll of an unchanged schema
// costs one cheap query and gets the same model object back; several tabs polling one
// environment share one read while it runs.
const reader = new StampedSchemaReader();

export async function readSchema(name: string): Promise<SchemaRead> {
  let environment: Environment;
  const config = loadConfig();
  try {
    environment = findEnvironment(config, name);
  } catch (error) {
    if (isStrataError(error, 'UNKNOWN_ENVIRONMENT')) {
      return { ok: false, status: 404, error: 'unknown_environment', message: error.message };
    }
    throw error;
  }
  const safe = { name: environment.name, protection: environment.protection };
  const read = await readModel(reader, environment.name, environment.url, secretUrlsOf(config));
  return read.ok ? { ok: true, environment: safe, model: read.model } : read;
}

type ModelFailure = { ok: false; status: 503 | 500; error: 'unreachable' | 'introspection_failed'; message: string };

/**
 * One database's model through `reader`, kept as `label` (an environment's name, or a fleet
 * target's `<fleet>/<target>`): a failure becomes the short message for people — 503 while
 * it cannot be reached, 500 otherwise — cleaned of `secrets`, and logged.
 */
export async function readModel(
  reader: StampedSchemaReader,
  label: string,
  url: string,
  secrets: string[],
  options: { onlySchema?: string } = {},
): Promise<{ ok: true; model: SchemaModel } | ModelFailure> {
  try {
    return { ok: true, model: await reader.read(label, url, options) };
  } catch (error) {
    const reason = safeMessage(failureReason(error), secrets).slice(0, 300);
    if (isUnreachable(error)) {
      console.error(`schema of ${label}: unreachable: ${reason}`);
      return { ok: false, status: 503, error: 'unreachable', message: `Strata cannot reach “${label}” right now (${reason}). It will try again shortly.` };
    }
    console.error(`schema of ${label}: introspection failed: ${reason}`);
    return { ok: false, status: 500, error: 'introspection_failed', message: `Strata reached “${label}” but could not read its schema (${reason}).` };
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'CONNECT_TIMEOUT', '57P01', '57P03', '3D000', '28P01', '28000']);

function isUnreachable(error: unknown): boolean {
  if (isStrataError(error, 'CONNECTION_FAILED')) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

