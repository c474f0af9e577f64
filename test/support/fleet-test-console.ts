import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { closeConsole, withConsole } from '../../lib/auth/console-db';
import { loadConfig, type StrataConfig } from '../../lib/config/environments';
import { consoleTestEnv } from './console-env';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

/**
 * The console a fleet test runs rollouts through: its own scratch database, `solo` its one
 * configured environment (plus whatever `env` adds, e.g. a configured fleet), the variables set
 * on this process (the queue's jobs and spawned CLIs read them), and the console and queue
 * schemas created before any raw read of them.
 */
export interface FleetTestConsole {
  consoleDb: ScratchDatabase;
  config: StrataConfig;
  /** The variables set on process.env, for a child process. */
  env: Record<string, string>;
}

export async function openFleetTestConsole(options: { label: string; database: string; projectDir: string; env?: Record<string, string> }): Promise<FleetTestConsole> {
  const consoleDb = await createScratchDatabase(options.database);
  const env = {
    ...consoleTestEnv({ label: options.label, environment: { name: 'solo', url: consoleDb.url }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: options.projectDir }),
    ...options.env,
  };
  Object.assign(process.env, env);
  const config = loadConfig();
  await withConsole(config, async () => undefined);
  return { consoleDb, config, env };
}

/** Closes the console's pool, then drops the targets and the console's database. */
export async function closeFleetTestConsole(fleetConsole: FleetTestConsole, targets: ScratchDatabase[]): Promise<void> {
  await closeConsole(fleetConsole.config);
  for (const db of targets) await db.drop();
  await fleetConsole.consoleDb.drop();
}

/**
 * `count` scratch databases named `<prefix>00`, `<prefix>01`, … (name order is wave order) and a
 * fleet file listing them under a comment line; the databases are also pushed on `dropLater`.
 */
export async function makeFleetFile(dir: string, prefix: string, count: number, dropLater: ScratchDatabase[]): Promise<{ file: string; targets: ScratchDatabase[] }> {
  const targets: ScratchDatabase[] = [];
  for (let i = 0; i < count; i++) targets.push(await createScratchDatabase(`${prefix}${String(i).padStart(2, '0')}`));
  dropLater.push(...targets);
  const file = path.join(dir, `${prefix}.txt`);
  fs.writeFileSync(file, `# ${prefix}\n${targets.map((t) => t.url).join('\n')}\n`);
  return { file, targets };
}
