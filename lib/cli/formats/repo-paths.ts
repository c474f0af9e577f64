import fs from 'node:fs';
import path from 'node:path';

/**
 * Code scanning and workflow annotations place a finding by its path from the repository's
 * root, while lint reports paths from the project folder. The root is the nearest folder
 * above the project holding `.git` (a folder, or a file in a worktree); without one, the
 * working directory when the project is inside it, else the project folder itself.
 */
export function repoRootOf(projectDir: string): string {
  const start = path.resolve(projectDir);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const cwd = process.cwd();
  return start === cwd || start.startsWith(cwd + path.sep) ? cwd : start;
}

/** A project-relative file as a path from the repository root, with forward slashes. */
export function repoPath(root: string, projectDir: string, file: string): string {
  return path.relative(root, path.resolve(projectDir, file)).split(path.sep).join('/');
}

/**
 * Findings carry the statement's line only; the column is where the statement's text starts
 * on it (1-based), so an annotation points at the statement rather than the indentation.
 */
export function columnReader(projectDir: string): (file: string, line: number) => number {
  const files = new Map<string, string[] | null>();
  return (file, line) => {
    if (!files.has(file)) {
      const full = path.resolve(projectDir, file);
      files.set(file, fs.existsSync(full) ? fs.readFileSync(full, 'utf8').split(/\r?\n/) : null);
    }
    const text = files.get(file)?.[line - 1];
    const start = text?.search(/\S/) ?? -1;
    return start < 0 ? 1 : start + 1;
  };
}
