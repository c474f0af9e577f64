import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const libDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe('the engine knows no project', () => {
  it('no production file in lib/ imports a project (drizzle/…) or its seed sets (seeds/…): they come from strata.config.ts at run time', () => {
    const production = sourceFiles(libDir).filter((file) => !/\.test\.tsx?$/.test(file));
    const offenders = production.filter((file) => /from ['"](\.\.\/)+(drizzle|seeds)(\/|['"])|from ['"]@\/(drizzle|seeds)(\/|['"])/.test(fs.readFileSync(file, 'utf8')));
    expect(production.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });
});
