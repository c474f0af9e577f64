import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../errors';

/**
 * Runs `work` holding an exclusive lock file (created with O_EXCL; one older than 10 s is
 * stale). Files several Strata processes may write at once — credentials.json, the audit
 * head — are changed under one.
 */
export function withLockFile<T>(lock: string, work: () => T): T {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 5000;
  let fd: number | null = null;
  while (fd === null) {
    try {
      fd = fs.openSync(lock, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 10_000) fs.rmSync(lock, { force: true });
      } catch {
        // Released meanwhile: try again.
      }
      if (Date.now() > deadline) throw new StrataError('EMBEDDED_POSTGRES', `Cannot lock ${lock}: remove it if no Strata process is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  try {
    return work();
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}
