import { readProject, type Project } from '../changesets/project';
import { connect } from '../db/client';
import { databaseNameOf, withDatabase } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { DEMO_ENVIRONMENTS, DEMO_FLEET } from '../config/demo-environments';
import { EMBEDDED_CONSOLE_ROLE, type StrataConfig } from '../config/environments';
import { embeddedConsolePassword } from '../config/console-secrets';
import { applyChangeSets } from '../migrate/apply';
import type { Logger } from '../observability/logger';
import { bootstrapDemoFleet } from './demo-fleet';

export const DEMO_ACTOR = 'strata-demo-bootstrap';

/**
 * Creates the console database and the demo environments' databases that do not exist
 * yet, and migrates each new one to its first-start position; then the demo fleet's tenant
 * databases that do not exist yet (demo-fleet.ts). Existing databases are left exactly as
 * they are, so a second start reuses the same data.
 */
export async function bootstrapDemo(config: StrataConfig, logger: Logger, say: (line: string) => void = () => {}): Promise<string[]> {
  const wanted = [databaseNameOf(config.consoleDatabaseUrl), ...config.environments.map((e) => databaseNameOf(e.url))];
  const created = await createMissingDatabases(withDatabase(config.consoleOwnerUrl ?? config.consoleDatabaseUrl, 'postgres'), wanted, (admin) =>
    ensureConsoleRole(admin, embeddedConsolePassword(config.embedded)),
  );
  const project = readProject(config.projectDir);
  // The fleet's tenants are copied (disk-bound) while the environments migrate (round trips), so the first start waits for the longer, not the sum.
  const fleet = config.fleets?.find((f) => f.name === DEMO_FLEET.name);
  const [environments, tenants] = await Promise.allSettled([
    migrateNewEnvironments(config, project, created, logger, say),
    fleet ? bootstrapDemoFleet(fleet, project, DEMO_ACTOR, logger, say) : Promise.resolve([]),
  ]);
  // Both finish before either's failure is thrown, so the caller never stops the server under the other.
  if (environments.status === 'rejected') throw environments.reason;
  if (tenants.status === 'rejected') throw tenants.reason;
  created.push(...tenants.value);
  return created;
}

/** Migrates each demo environment whose database was just created to its first-start position. */
async function migrateNewEnvironments(config: StrataConfig, project: Project, created: string[], logger: Logger, say: (line: string) => void): Promise<void> {
  for (const env of config.environments) {
    if (!created.includes(databaseNameOf(env.url))) continue;
    const demo = DEMO_ENVIRONMENTS.find((d) => d.name === env.name);
    const upTo = project.changeSets[project.changeSets.length - 1 - (demo?.pendingOnFirstStart ?? 0)];
    if (!upTo) continue;
    say(`Migrating ${env.name} to ${upTo.tag}`);
    const result = await applyChangeSets({ url: env.url, environment: env.name, actor: DEMO_ACTOR, logger }, project, { to: upTo.tag });
    if (result.failed) throw new Error(`Demo bootstrap: ${result.failed.tag} failed on ${env.name}: ${result.failed.error?.message}`);
  }
}

/**
 * Creates each of `names` that the server at `adminUrl` (a superuser's) does not have yet, then
 * runs `andThen` on the same connection: the databases it created. Existing ones are left as they are.
 */
export async function createMissingDatabases(adminUrl: string, names: string[], andThen: (admin: ReturnType<typeof connect>) => Promise<void> = async () => {}): Promise<string[]> {
  const admin = connect(adminUrl, { max: 1, applicationName: 'strata:bootstrap' });
  const created: string[] = [];
  try {
    const existing = new Set((await admin`select datname from pg_database`).map((r) => String(r.datname)));
    for (const name of names) {
      if (existing.has(name) || created.includes(name)) continue;
      await admin.unsafe(`create database ${quoteIdent(name)}`);
      created.push(name);
    }
    await andThen(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return created;
}

/**
 * The role the console works through on the embedded demo: it can log in and use what the
 * console schema's owner (the superuser) grants it, and nothing more — in particular it
 * cannot change or remove audit entries. Its password comes from credentials.json.
 */
async function ensureConsoleRole(admin: ReturnType<typeof connect>, password: string): Promise<void> {
  const [row] = await admin`select exists (select 1 from pg_roles where rolname = ${EMBEDDED_CONSOLE_ROLE}) as present`;
  const verb = row?.present ? 'alter' : 'create';
  // Passwords cannot be bound parameters in role DDL; this one is generated base64url.
  if (!/^[A-Za-z0-9_-]+$/.test(password)) throw new Error('The console role password in credentials.json is not base64url');
  await admin.unsafe(`${verb} role ${quoteIdent(EMBEDDED_CONSOLE_ROLE)} login nosuperuser nocreatedb nocreaterole password '${password}'`);
}
