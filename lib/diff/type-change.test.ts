import { describe, expect, it } from 'vitest';
import { classifyTypeChange } from './type-change';

// [from, to, rewrite, narrowing]: the rewrite column follows PostgreSQL's ALTER COLUMN TYPE docs.
const CASES: Array<[string, string, boolean, boolean]> = [
  ['integer', 'integer', false, false],
  ['int4', 'integer', false, false],
  // Integers and floats
  ['smallint', 'integer', true, false],
  ['integer', 'bigint', true, false],
  ['bigint', 'integer', true, true],
  ['integer', 'smallint', true, true],
  ['integer', 'numeric', true, false],
  ['integer', 'numeric(12,2)', true, false],
  ['bigint', 'numeric(12,2)', true, true],
  ['integer', 'double precision', true, false],
  ['bigint', 'double precision', true, true],
  ['real', 'double precision', true, false],
  ['double precision', 'real', true, true],
  ['numeric(12,2)', 'double precision', true, true],
  // numeric
  ['numeric(10,2)', 'numeric(12,2)', false, false],
  ['numeric(12,2)', 'numeric', false, false],
  ['numeric(12,4)', 'numeric(12,2)', true, true],
  ['numeric(12,2)', 'numeric(10,2)', true, true],
  ['numeric(10,2)', 'numeric(12,4)', true, false],
  ['numeric', 'numeric(12,2)', true, true],
  // Strings
  ['character varying(50)', 'character varying(255)', false, false],
  ['character varying(255)', 'character varying(50)', true, true],
  ['character varying(255)', 'character varying', false, false],
  ['character varying(255)', 'text', false, false],
  ['text', 'character varying', false, false],
  ['text', 'character varying(50)', true, true],
  ['character(10)', 'text', true, false],
  ['character(10)', 'character(20)', true, false],
  ['character(10)', 'character varying(10)', true, false],
  ['character varying', 'character(10)', true, true],
  ['bit varying(8)', 'bit varying(16)', false, false],
  ['integer', 'text', true, false],
  ['uuid', 'character varying', true, false],
  ['uuid', 'character varying(10)', true, true],
  ['text', 'integer', true, true],
  ['text', 'uuid', true, true],
  // Date and time
  ['timestamp without time zone', 'timestamp with time zone', true, false],
  ['timestamp with time zone', 'timestamp without time zone', true, true],
  ['date', 'timestamp with time zone', true, false],
  ['timestamp with time zone', 'date', true, true],
  ['timestamp(3) with time zone', 'timestamp with time zone', false, false],
  ['timestamp(3) with time zone', 'timestamp(6) with time zone', false, false],
  ['timestamp with time zone', 'timestamp(3) with time zone', true, true],
  ['time without time zone', 'time with time zone', true, false],
  ['interval(3)', 'interval', false, false],
  // Others
  ['json', 'jsonb', true, false],
  ['jsonb', 'json', true, false],
  ['app.status', 'text', true, false],
  ['text', 'app.status', true, true],
  ['app.status', 'app.status2', true, true],
  // Arrays
  ['text[]', 'text[]', false, false],
  ['integer[]', 'bigint[]', true, false],
  ['bigint[]', 'integer[]', true, true],
  ['text[]', 'text', true, false],
  ['text', 'text[]', true, true],
  ['integer[]', 'integer', true, true],
];

describe('classifyTypeChange', () => {
  it.each(CASES)('%s → %s: rewrite %s, narrowing %s', (from, to, rewrite, narrowing) => {
    const result = classifyTypeChange(from, to);
    expect({ rewrite: result.rewrite, narrowing: result.narrowing }).toEqual({ rewrite, narrowing });
    expect(result.reason).not.toBe('');
  });

  it('explains itself in terms a reviewer can act on', () => {
    expect(classifyTypeChange('character varying(255)', 'character varying(50)').reason).toBe('values longer than 50 fail to convert');
    expect(classifyTypeChange('numeric(12,4)', 'numeric(12,2)').reason).toBe('values are rounded to 2 decimal places');
    expect(classifyTypeChange('timestamp without time zone', 'timestamp with time zone').reason).toBe(
      'rewritten unless the session time zone is UTC',
    );
    expect(classifyTypeChange('text', 'app.status').reason).toBe('text → app.status is not a known widening');
  });

  it('treats quoted user type names as case-sensitive', () => {
    expect(classifyTypeChange('app."Status"', 'app.status')).toMatchObject({ rewrite: true, narrowing: true });
  });
});
