import type { Project } from '../changesets/project';
import { connect } from '../db/client';
import { withDatabase } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { DEMO_FLEET, demoTenantDatabase } from '../config/demo-environments';
import type { Fleet } from '../config/types';
import { applyChangeSets } from '../migrate/apply';
import type { Logger } from '../observability/logger';

type Admin = ReturnType<typeof connect>;

/** Tenant databases copied at once on first start (on a quiet machine 50 copies took 3.4 s 8 at a time, 1.9 s 16 at a time; 8 keeps the connections few). */
const CREATE_CONCURRENCY = 8;

/**
 * The demo fleet's tenant databases (DEMO_FLEET), made on first start and reused afterwards:
 * only the tenants that do not exist yet are created. Migrating 50 databases one by one would
 * make the first start slow, so the project is migrated once into a template database
 * (`behindBy` change sets short of the head), that template is copied into a second one and
 * brought to the head, and each tenant is a CREATE DATABASE … TEMPLATE of one of them: a file
 * copy, with the change set history that came with it. The templates are marked
 * datistemplate and named outside the discovery pattern, so they are never targets.
 */
export async function bootstrapDemoFleet(fleet: Fleet, project: Project, actor: string, logger: Logger, say: (line: string) => void = () => {}): Promise<string[]> {
  if (fleet.source.kind !== 'databases') return [];
  const serverUrl = fleet.source.serverUrl;
  // A few connections to the server's own database, not to the targets: CREATE DATABASE runs there.
  const admin = connect(withDatabase(serverUrl, 'postgres'), { max: CREATE_CONCURRENCY, applicationName: 'strata:bootstrap' });
  try {
    const rows = await admin`select datname, datistemplate from pg_database`;
    const existing = new Map(rows.map((r) => [String(r.datname), Boolean(r.datistemplate)]));
    const missing = tenantPlan(project).filter((t) => !existing.has(t.database));
    if (missing.length === 0) return [];
    say(`Creating ${missing.length} tenant database${missing.length === 1 ? '' : 's'} of the demo fleet "${fleet.name}"`);
    const templates = new Map<string, string>();
    // The one behind first: the head template is then a copy of it plus the last change sets.
    const tags = [...new Set(missing.map((t) => t.upTo))].sort((a, b) => project.changeSets.findIndex((c) => c.tag === a) - project.changeSets.findIndex((c) => c.tag === b));
    for (const tag of tags) {
      say(`Migrating a tenant template to ${tag}`);
      templates.set(tag, await ensureTemplate(admin, serverUrl, existing, project, tag, actor, logger));
    }
    // FILE_COPY, several at a time: concurrent copies share their checkpoints, where the default
    // WAL_LOG writes every page of every copy to the WAL (measured: 137 ms a copy one by one).
    say(`Copying the templates into ${missing.length} tenant databases`);
    const queue = [...missing];
    const copyNext = async (): Promise<void> => {
      for (let tenant = queue.shift(); tenant; tenant = queue.shift()) {
        await admin.unsafe(`create database ${quoteIdent(tenant.database)} template ${quoteIdent(templates.get(tenant.upTo)!)} strategy file_copy`);
      }
    };
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, copyNext));
    return missing.map((t) => t.database);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Each tenant and the change set it is migrated to: every `behindEvery`-th is `behindBy` short of the head (none when the project is too short). */
export function tenantPlan(project: Project): { database: string; upTo: string }[] {
  const sets = project.changeSets;
  const head = sets[sets.length - 1]?.tag;
  if (!head) return [];
  const behind = sets[sets.length - 1 - DEMO_FLEET.behindBy]?.tag ?? head;
  return Array.from({ length: DEMO_FLEET.count }, (_, i) => ({ database: demoTenantDatabase(i + 1), upTo: (i + 1) % DEMO_FLEET.behindEvery === 0 ? behind : head }));
}

/**
 * The template database at change set `tag`: reused when a finished one exists (marked
 * datistemplate, which happens only after its migration succeeded); one left half-made by
 * a killed start is dropped and made again. The head template is copied from the one behind,
 * when that exists, so the project's early change sets run once in all.
 */
async function ensureTemplate(admin: Admin, serverUrl: string, existing: Map<string, boolean>, project: Project, tag: string, actor: string, logger: Logger): Promise<string> {
  const sets = project.changeSets;
  const atHead = tag === sets[sets.length - 1]?.tag;
  const name = atHead ? DEMO_FLEET.templates.head : DEMO_FLEET.templates.behind;
  if (existing.get(name) === true) return name;
  if (existing.has(name)) await admin.unsafe(`drop database ${quoteIdent(name)} with (force)`);
  const behind = DEMO_FLEET.templates.behind;
  const from = atHead && existing.get(behind) === true ? behind : 'template0';
  await admin.unsafe(`create database ${quoteIdent(name)} template ${quoteIdent(from)}`);
  try {
    const result = await applyChangeSets({ url: withDatabase(serverUrl, name), environment: `demo-fleet-template`, actor, logger }, project, { to: tag });
    if (result.failed) throw new Error(`Demo bootstrap: ${result.failed.tag} failed on the tenant template ${name}: ${result.failed.error?.message}`);
  } catch (error) {
    await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    throw error;
  }
  await admin.unsafe(`alter database ${quoteIdent(name)} is_template true`);
  existing.set(name, true);
  return name;
}
