import 'server-only';
import { readModel } from '@/app/environments/[env]/read-schema';
import { fleetTargetNameSchema } from '@/lib/console/api-schemas';
import { loadConfig } from '@/lib/config/environments';
import { failureReason } from '@/lib/db/client';
import { safeMessage, secretUrlsOf } from '@/lib/db/safe-message';
import { isStrataError } from '@/lib/errors';
import { configuredFleet, findTarget } from '@/lib/fleet/fleet-overview';
import { fleetSourceUrls } from '@/lib/fleet/fleet-source-urls';
import type { Fleet, FleetTarget } from '@/lib/fleet/types';
import { StampedSchemaReader } from '@/lib/introspect/stamped-reader';
import type { SchemaModel } from '@/lib/introspect/schema-model';

/**
 * The live schema of one fleet target, for its ERD: read-only, introspected from that
 * target's database on a connection of its own (max 1, ended after), never its URL in an
 * answer. Who may read the fleet's schemas (schema.read, any role) may read it; the callers
 * authorize once the fleet is known. The
 * names from the URL are validated, then only compared with the fleet's own target names
 * (a discovery fleet lists its databases with its configured pattern): they never reach SQL.
 */
export type TargetSchemaRead =
  | { ok: true; fleet: Pick<Fleet, 'name' | 'protection'>; target: string; model: SchemaModel }
  | { ok: false; status: 400 | 404 | 503 | 500; error: 'bad_name' | 'unknown_fleet' | 'unknown_target' | 'unreachable' | 'introspection_failed'; message: string };

type Failure = Extract<TargetSchemaRead, { ok: false }>;

/** The fleet a URL names, its names validated first (400), then looked up in the configuration (404). The caller then authorizes on it. */
export function fleetOfUrl(fleetName: string, targetName: string): { ok: true; fleet: Fleet } | Failure {
  for (const [what, name] of [
    ['fleet', fleetName],
    ['target', targetName],
  ] as const) {
    const checked = fleetTargetNameSchema.safeParse(name);
    if (!checked.success) return { ok: false, status: 400, error: 'bad_name', message: `Not a ${what} name: ${checked.error.issues[0]?.message ?? 'invalid'}` };
  }
  try {
    return { ok: true, fleet: configuredFleet(loadConfig(), fleetName) };
  } catch (error) {
    if (isStrataError(error, 'NOT_FOUND')) return { ok: false, status: 404, error: 'unknown_fleet', message: error.message };
    throw error;
  }
}

/** The fleet's target of that name (404 otherwise), without connecting to it. */
export async function targetOfFleet(fleet: Fleet, targetName: string): Promise<{ ok: true; target: FleetTarget } | Failure> {
  try {
    return { ok: true, target: await findTarget(fleet, targetName) };
  } catch (error) {
    if (isStrataError(error, 'NOT_FOUND')) return { ok: false, status: 404, error: 'unknown_target', message: error.message };
    // Listing a discovery fleet's databases failed: its server is unreachable.
    return { ok: false, status: 503, error: 'unreachable', message: `Strata cannot list the targets of fleet “${fleet.name}” right now (${safeMessage(failureReason(error), fleetSourceUrls(fleet)).slice(0, 300)}).` };
  }
}

// One model per target someone has opened, with its catalog stamp (a poll of an unchanged
// schema costs one cheap query). At most KEPT_TARGETS are kept: a fleet has a thousand.
const reader = new StampedSchemaReader();
const KEPT_TARGETS = 50;
const keptOrder: string[] = [];

function remember(key: string): void {
  const at = keptOrder.indexOf(key);
  if (at >= 0) keptOrder.splice(at, 1);
  keptOrder.push(key);
  while (keptOrder.length > KEPT_TARGETS) reader.forget(keptOrder.shift()!);
}

export async function readTargetSchema(fleet: Fleet, targetName: string): Promise<TargetSchemaRead> {
  const found = await targetOfFleet(fleet, targetName);
  if (!found.ok) return found;
  const { target } = found;
  const label = `${fleet.name}/${target.name}`;
  const secrets = [...secretUrlsOf(loadConfig()), target.url, ...fleetSourceUrls(fleet)];
  remember(label);
  // A tenant of a schema fleet is its schema alone, not the database it shares.
  const read = await readModel(reader, label, target.url, secrets, target.schema !== undefined ? { onlySchema: target.schema } : {});
  return read.ok ? { ok: true, fleet: { name: fleet.name, protection: fleet.protection }, target: target.name, model: read.model } : read;
}
