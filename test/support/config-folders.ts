import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { loadConfig } from '../../lib/config/environments';

/** The error loadConfig throws for these variables, or a failure if it throws none. */
export function configErrorOf(env: Record<string, string>): Error {
  try {
    loadConfig(env);
  } catch (error) {
    return error as Error;
  }
  throw new Error('loadConfig accepted it');
}

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Writes (or rewrites) dir/strata.config.ts, whose defineStrataConfig({ … }) body is `body`. */
export function writeConfig(dir: string, body: string): void {
  fs.writeFileSync(path.join(dir, 'strata.config.ts'), `import { defineStrataConfig } from '../../../lib/project/define-project';\n\nexport default defineStrataConfig(${body});\n`);
}

/**
 * Throwaway folders holding a strata.config.ts and an empty drizzle project (db/), at the
 * fixtures' depth (test/fixtures/.tmp-config-…, outside the type check), so the real loader
 * loads them and their import of lib/project/define-project resolves as a project inside the
 * checkout would. Call at a test file's top level: the folders are removed after its tests.
 */
export function configFolders(): (body: string) => string {
  const folders: string[] = [];
  afterAll(() => {
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (body) => {
    const dir = fs.mkdtempSync(path.join(fixtures, '.tmp-config-'));
    folders.push(dir);
    fs.mkdirSync(path.join(dir, 'db', 'migrations', 'meta'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'db', 'migrations', 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] }));
    writeConfig(dir, body);
    return dir;
  };
}
