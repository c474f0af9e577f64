import { describe, expect, it } from 'vitest';
import { parseFleetUrls } from './fleet-file';

describe('parseFleetUrls', () => {
  it('reads one URL per line, skipping blanks and comments', () => {
    const text = '# tenants\npostgres://u:p@db1:5432/t1\n\n  postgres://u:p@db1:5432/t2  \r\npostgresql://db2/t1\n';
    expect(parseFleetUrls(text, 'fleet.txt')).toEqual(['postgres://u:p@db1:5432/t1', 'postgres://u:p@db1:5432/t2', 'postgresql://db2/t1']);
  });

  it('names the line of a bad URL without its password', () => {
    expect(() => parseFleetUrls('postgres://u:p@db/t1\nmysql://u:secret@db/t2', 'fleet.txt')).toThrow(/^fleet\.txt:2: Database URL must start with postgres/);
    expect(() => parseFleetUrls('postgres://u:secret@db/', 'fleet.txt')).toThrow(/fleet\.txt:1: Database URL names no database: postgres:\/\/u:\*\*\*@db\//);
  });

  it('refuses one database listed twice (default port and explicit 5432 are the same)', () => {
    expect(() => parseFleetUrls('postgres://a:secret@db/t1\npostgres://b:x@db:5432/t1', 'F')).toThrow('F:2: postgres://b:***@db:5432/t1 is the same database as line 1');
  });

  it('refuses a file with no URL', () => {
    expect(() => parseFleetUrls('# nothing\n\n', 'F')).toThrow('F lists no database URL');
  });
});
