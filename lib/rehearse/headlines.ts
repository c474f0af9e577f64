import type { RehearsedChangeSet, RehearsedLock } from './report';

/** Lock modes that block other sessions' writes (SHARE and stronger): what approvers must see. */
const BLOCKING = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

const MODES = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];

/** How many headlines a report carries: the longest-held first. */
const MAX_HEADLINES = 8;

/**
 * One line per notable effect, blocking locks first, longest first: a blocking lock with how long it was held,
 * whether that table was rewritten and the statement's WAL ("ACCESS EXCLUSIVE on
 * platform.usage_events for 4.2 s; table rewritten; 180 MB WAL"); a statement that wrote
 * rows without a blocking lock gets its rows, time and WAL.
 */
export function headlinesOf(changeSets: RehearsedChangeSet[]): string[] {
  const lines: Array<{ ms: number; text: string; blocking: boolean }> = [];
  for (const statement of changeSets.flatMap((c) => c.statements)) {
    // The strongest blocking lock per table: an index's lock comes with its table's, and a weaker lock on the same table adds nothing.
    const strongest = new Map<string, RehearsedLock>();
    for (const lock of statement.locks) {
      if (!BLOCKING.has(lock.mode) || lock.kind === 'index') continue;
      const seen = strongest.get(lock.relation);
      if (!seen || MODES.indexOf(lock.mode) > MODES.indexOf(seen.mode)) strongest.set(lock.relation, lock);
    }
    const blocking = [...strongest.values()];
    const extras = (relation: string | null) =>
      [
        ...(relation && statement.rewritten.includes(relation) ? ['table rewritten'] : []),
        ...(statement.rows ? [`${statement.rows.toLocaleString('en-US')} rows`] : []),
        ...(statement.walBytes >= 1024 * 1024 ? [`${bytesText(statement.walBytes)} WAL`] : []),
        ...(statement.tempBytes > 0 ? [`${bytesText(statement.tempBytes)} in ${statement.tempFiles} temp file${statement.tempFiles === 1 ? '' : 's'}`] : []),
      ].map((e) => `; ${e}`).join('');
    for (const lock of blocking) lines.push({ blocking: true, ms: lock.heldMs, text: `${lock.mode} on ${lock.relation} for ${elapsedText(lock.heldMs)}${extras(lock.relation)}` });
    if (blocking.length === 0 && statement.rows) lines.push({ blocking: false, ms: statement.wallMs, text: `${statement.summary} took ${elapsedText(statement.wallMs)}${extras(null)}` });
  }
  return lines
    .sort((a, b) => Number(b.blocking) - Number(a.blocking) || b.ms - a.ms)
    .slice(0, MAX_HEADLINES)
    .map((l) => l.text);
}

/** A duration for people: 4.2 s, 350 ms. */
export function elapsedText(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** 180 MB, 12 kB, 512 B. */
export function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} B`;
}
