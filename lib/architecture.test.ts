import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from '../test/support/import-graph';

const libDir = path.dirname(new URL(import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe('architecture', () => {
  it('the engine in lib/ never imports Next.js, React or next-auth (CLI and console share it)', () => {
    const offenders = sourceFiles(libDir).filter((file) =>
      /from ['"](next|next\/[^'"]+|react|react-dom|next-auth)['"]|require\(['"](next|react)/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('the engine holds only the engine: production files in lib/ import no test support, bench or test runner', () => {
    const production = sourceFiles(libDir).filter((file) => !/\.test\.tsx?$/.test(file));
    const offenders = production.filter((file) =>
      /from ['"](vitest|vitest\/[^'"]+|@playwright\/test|playwright-core)['"]|from ['"](\.\.\/)+(test|bench)\/|from ['"]@\/(test|bench)\//.test(fs.readFileSync(file, 'utf8')),
    );
    expect(production.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  it('production files in lib/ import each other without cycles (a cycle is named file by file)', () => {
    const production = sourceFiles(libDir).filter((file) => !/\.test\.tsx?$/.test(file));
    const name = (file: string) => path.relative(libDir, file);
    const cycles = findCycles(importGraph(production)).map(({ cycle, files }) => {
      const others = files.filter((file) => !cycle.includes(file)).map(name);
      return `${cycle.map(name).join(' → ')}${others.length ? ` (tied in with ${others.join(', ')})` : ''}`;
    });
    expect(cycles).toEqual([]);
  });

  it('the cycle check finds a cycle, even through a type-only import, and names it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(findCycles(graph)).toEqual([
      { cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'], files: ['a.ts', 'b.ts', 'c.ts'] },
      { cycle: ['e.ts', 'e.ts'], files: ['e.ts'] },
    ]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cycle-'));
    fs.writeFileSync(path.join(dir, 'config.ts'), "import { secret } from './secrets';\nexport const config = { secret };\n");
    fs.writeFileSync(path.join(dir, 'secrets.ts'), "import type { Config } from './types';\nexport type { Config };\nexport const secret = 1;\n");
    fs.writeFileSync(path.join(dir, 'types.ts'), "export type Config = typeof import('./config').config;\n");
    const files = ['config.ts', 'secrets.ts', 'types.ts'].map((f) => path.join(dir, f));
    expect(findCycles(importGraph(files)).map(({ cycle }) => cycle.map((f) => path.basename(f)))).toEqual([['config.ts', 'secrets.ts', 'types.ts', 'config.ts']]);
  });
});
