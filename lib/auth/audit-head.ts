import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { withLockFile } from '../config/lock-file';

/**
 * The audit chain's head kept OUTSIDE the console database: after every append, the newest
 * entry's id and hash (and the chain's first hash) are written to a file. A chain cannot
 * show on its own that its newest entries were cut off — the shorter chain is still valid —
 * but the file remembers how far it went. The file holds one head per console database
 * (`database@port`), so tests and several configurations can share a STRATA_HOME.
 */
export interface AuditHead {
  id: number;
  hash: string;
  /** The hash of entry 1: which chain this head belongs to. */
  genesis: string;
  at: string;
}

interface HeadFile {
  chains: Record<string, AuditHead>;
}

/** Where the head is kept, and under which name for this console database. */
export interface AuditHeadLocation {
  file: string;
  chain: string;
}

export function chainName(database: string, port: number | null): string {
  return `${database}@${port ?? 'local'}`;
}

function read(file: string): HeadFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<HeadFile>;
    return parsed && typeof parsed.chains === 'object' && parsed.chains ? { chains: parsed.chains } : { chains: {} };
  } catch {
    return { chains: {} };
  }
}

export function readAuditHead(location: AuditHeadLocation): AuditHead | null {
  return read(location.file).chains[location.chain] ?? null;
}

/**
 * Records `head` unless the file already holds a newer head of the same chain (a slower
 * writer never moves it back). A head of ANOTHER chain is never replaced: that chain's
 * disappearance is what `verifyAudit` must keep reporting until someone removes the entry.
 * Written atomically (temporary file + rename, 0600) under a lock file.
 */
export function writeAuditHead(location: AuditHeadLocation, head: AuditHead): void {
  fs.mkdirSync(path.dirname(location.file), { recursive: true });
  withLockFile(`${location.file}.lock`, () => {
    const current = read(location.file);
    const known = current.chains[location.chain];
    if (known && (known.genesis !== head.genesis || known.id >= head.id)) return;
    current.chains[location.chain] = head;
    const temporary = `${location.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temporary, location.file);
  });
}
