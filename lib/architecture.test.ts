import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
});
