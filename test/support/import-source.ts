import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A source folder for strata import, built from `files` (relative path → content). */
export function importSource(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-src-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** A new, not yet existing project folder for an import to write. */
export const importOutDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-out-')), 'project');
