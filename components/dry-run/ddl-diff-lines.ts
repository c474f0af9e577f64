import { diffLines } from 'diff';

export interface DiffLine {
  type: 'context' | 'added' | 'removed';
  /** 1-based line in the "before" text; null for added lines. */
  oldLine: number | null;
  /** 1-based line in the "after" text; null for removed lines. */
  newLine: number | null;
  text: string;
}

export interface SkippedLines {
  type: 'skip';
  /** How many unchanged lines are hidden. */
  count: number;
  /** The first hidden line, in the before and after texts. */
  oldLine: number;
  newLine: number;
}

export type DiffRow = DiffLine | SkippedLines;

function toLines(value: string): string[] {
  return (value.endsWith('\n') ? value.slice(0, -1) : value).split('\n');
}

/**
 * A line-by-line diff of two texts, every line numbered in the text it comes from. A missing
 * newline at the end of either text is not a difference.
 */
export function diffTextLines(before: string, after: string): DiffLine[] {
  const withEol = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  const lines: DiffLine[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const part of diffLines(withEol(before), withEol(after))) {
    if (part.value === '') continue;
    for (const text of toLines(part.value)) {
      if (part.added) lines.push({ type: 'added', oldLine: null, newLine: newLine++, text });
      else if (part.removed) lines.push({ type: 'removed', oldLine: oldLine++, newLine: null, text });
      else lines.push({ type: 'context', oldLine: oldLine++, newLine: newLine++, text });
    }
  }
  return lines;
}

/**
 * Keeps `context` unchanged lines either side of every change and folds each longer run of
 * unchanged lines into one `skip` row, as a unified diff does. A run shorter than a
 * separator would save (a single line) is shown as is.
 */
export function collapseContext(lines: readonly DiffLine[], context = 3): DiffRow[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, i) => {
    if (line.type === 'context') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep[j] = true;
  });
  const rows: DiffRow[] = [];
  let i = 0;
  while (i < lines.length) {
    if (keep[i]) {
      rows.push(lines[i]);
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && !keep[end]) end++;
    const hidden = lines.slice(i, end);
    if (hidden.length === 1) rows.push(hidden[0]);
    else rows.push({ type: 'skip', count: hidden.length, oldLine: hidden[0].oldLine ?? 0, newLine: hidden[0].newLine ?? 0 });
    i = end;
  }
  return rows;
}

/** Lines added and removed, for the diff's heading. */
export function countChanges(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.type === 'added') added++;
    else if (line.type === 'removed') removed++;
  }
  return { added, removed };
}
