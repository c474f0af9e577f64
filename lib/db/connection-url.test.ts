import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl } from './connection-url';

describe('redactUrl', () => {
  it('hides the password, and password parameters of the query, whatever their case', () => {
    expect(redactUrl('postgres://u:hunter2@db/app')).toBe('postgres://u:***@db/app');
    expect(redactUrl('postgres://u@db/app?sslmode=require&password=hunter2&SSLPassword=x')).toBe('postgres://u@db/app?sslmode=require&password=***&SSLPassword=***');
    expect(redactUrl('not a url //u:hunter2@db ?password=hunter2&x=1')).toBe('not a url //***@db ?password=***&x=1');
  });

  it('keeps a password parameter out of the error for a URL that names no database', () => {
    expect(() => parseDatabaseUrl('postgres://app@db.internal/?password=hunter2')).toThrow('Database URL names no database: postgres://app@db.internal/?password=***');
  });
});
