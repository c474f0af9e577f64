/**
 * `-- strata-lint-ignore <rule-id>[, <rule-id>…]: <reason>` in the comments directly above
 * a statement silences those rules for that statement. The reason is mandatory: a silence
 * is a reviewed decision, and the report shows it next to the finding it silences.
 */
export interface Silence {
  /** 1-based line of the comment. */
  line: number;
  ruleIds: string[];
  /** Null when the comment gives no reason after a colon: such a silence silences nothing. */
  reason: string | null;
}

const DIRECTIVE = /^--\s*strata-lint-ignore\b(.*)$/i;

/** Parses one comment line; null when it is not a silence directive. */
export function parseSilence(text: string, line: number): Silence | null {
  const match = DIRECTIVE.exec(text.trim());
  if (!match) return null;
  const body = match[1];
  const colon = body.indexOf(':');
  const ids = colon === -1 ? body : body.slice(0, colon);
  const reason = colon === -1 ? '' : body.slice(colon + 1).trim();
  return {
    line,
    ruleIds: ids
      .split(/[\s,]+/)
      .map((id) => id.trim())
      .filter(Boolean),
    reason: reason === '' ? null : reason,
  };
}

/** Every silence directive among comment lines. */
export function silencesIn(comments: Array<{ line: number; text: string }>): Silence[] {
  return comments.map((c) => parseSilence(c.text, c.line)).filter((s): s is Silence => s !== null);
}

/** The comment lines at the top of a file (before its first SQL line): where file-level findings are silenced. */
export function headerComments(text: string): Array<{ line: number; text: string }> {
  const found: Array<{ line: number; text: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('--') || line.startsWith('-->')) break;
    found.push({ line: i + 1, text: line });
  }
  return found;
}

/** Where a finding was silenced, for people: a comment's line, or the project's strata-lint.json. */
export function silencedWhere(silenced: { line: number; source?: 'comment' | 'config' }): string {
  return silenced.source === 'config' ? 'silenced in strata-lint.json' : `silenced at line ${silenced.line}`;
}
