import { describe, expect, it } from 'vitest';
import type { LintFinding } from '@/lib/lint/types';
import { countFindings, sqlSegments } from './segments';

const finding = (line: number, statementIndex: number | null, extra: Partial<LintFinding> = {}): LintFinding => ({
  ruleId: 'rule',
  severity: 'error',
  category: 'locking',
  message: 'm',
  explanation: 'e',
  saferAlternative: 's',
  changeSet: '0001_x',
  fileKind: 'forward',
  file: 'migrations/0001_x.sql',
  line,
  statementIndex,
  ...extra,
});

const sql = ['-- lead', 'create table a (id int);', '--> statement-breakpoint', 'create index on a (id);', 'alter table a', '  add column b int;', ''].join('\n');

describe('sqlSegments', () => {
  it('cuts at the statements with findings and keeps every line once, in order', () => {
    const segments = sqlSegments(sql, [finding(4, 1), finding(5, 2), finding(5, 2, { ruleId: 'other' })]);
    expect(segments.map((s) => [s.startLine, s.findings.length])).toEqual([
      [1, 0],
      [4, 1],
      [5, 2],
    ]);
    expect(segments.map((s) => s.text).join('\n')).toBe(sql.replace(/\n$/, ''));
  });

  it('a finding on the first line needs no lead-in segment; change-set findings are not placed', () => {
    expect(sqlSegments(sql, [finding(1, 0), finding(1, null)]).map((s) => [s.startLine, s.findings.length])).toEqual([[1, 1]]);
  });

  it('counts errors, warnings and silenced findings apart', () => {
    expect(countFindings([finding(1, 0), finding(2, 1, { severity: 'warning' }), finding(3, 2, { silenced: { reason: 'r', line: 2 } })])).toEqual({ errors: 1, warnings: 1, silenced: 1 });
  });
});
