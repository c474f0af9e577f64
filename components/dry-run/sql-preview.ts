/** How much of a statement the Statements tab shows before "Show the whole statement". */
export const PREVIEW_LINES = 4;
export const PREVIEW_CHARS = 400;

/**
 * The first few lines of a statement (at most PREVIEW_CHARS characters), and whether
 * anything was cut. A cut mid-line ends with "…"; whole lines left out are not marked (the
 * button that shows them says how many there are).
 */
export function previewSql(sql: string, maxLines = PREVIEW_LINES, maxChars = PREVIEW_CHARS): { text: string; truncated: boolean; lines: number } {
  const trimmed = sql.replace(/\s+$/, '');
  const all = trimmed.split('\n');
  let text = all.slice(0, maxLines).join('\n');
  let truncated = all.length > maxLines;
  if (text.length > maxChars) {
    text = `${text.slice(0, maxChars).replace(/\s+$/, '')}…`;
    truncated = true;
  }
  return { text, truncated, lines: all.length };
}
