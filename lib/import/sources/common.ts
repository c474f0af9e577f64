import fs from 'node:fs';
import type { ImportProblem, SourceMigration } from '../types';
import { versionTimestamp } from '../version-time';

export const read = (file: string) => fs.readFileSync(file, 'utf8');

/** One side (up or down) of a source migration: where it is, its SQL, and the line its SQL starts on. */
export interface SourceSide {
  source: string;
  text: string;
  /** 1-based line of the source file where `text` starts (dbmate sections start after their marker). */
  startLine?: number;
  noTransaction?: boolean;
}

export function migration(version: string, name: string, up: SourceSide, down: SourceSide | null): SourceMigration {
  return {
    version,
    name,
    upSource: up.source,
    downSource: down?.source ?? null,
    up: up.text,
    down: down?.text ?? null,
    upStartLine: up.startLine ?? 1,
    downStartLine: down?.startLine ?? 1,
    upNoTransaction: up.noTransaction ?? false,
    downNoTransaction: down?.noTransaction ?? false,
    timestamp: versionTimestamp(version),
  };
}

/** Numbers compare as numbers (`2` before `10`, as golang-migrate and numbered folders mean them), anything else as text. */
export function byNumericVersion(a: SourceMigration, b: SourceMigration): number {
  const [x, y] = [a.version.replace(/-/g, ''), b.version.replace(/-/g, '')];
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
    const d = BigInt(x) - BigInt(y);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return x < y ? -1 : x > y ? 1 : a.upSource < b.upSource ? -1 : a.upSource > b.upSource ? 1 : 0;
}

/**
 * Versions the source tool would treat as one (`0002` and `2` for numbers, dashes ignored):
 * the tool refuses or silently skips one of them, so a person has to decide. Both are imported.
 */
export function duplicateVersions(migrations: SourceMigration[]): ImportProblem[] {
  const key = (v: string) => {
    const plain = v.replace(/-/g, '');
    return /^\d+$/.test(plain) ? BigInt(plain).toString() : plain;
  };
  const seen = new Map<string, string>();
  const problems: ImportProblem[] = [];
  for (const m of migrations) {
    const k = key(m.version);
    const first = seen.get(k);
    if (first !== undefined) problems.push({ source: m.upSource, problem: `version ${m.version} is also used by ${first}` });
    else seen.set(k, m.upSource);
  }
  return problems;
}
