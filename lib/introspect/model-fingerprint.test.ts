import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { introspect } from './introspect';
import { modelFingerprint } from './model-fingerprint';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('fingerprint');
  await db.sql`create table public.a (id int primary key, name text)`;
});
afterAll(async () => {
  await db.drop();
});

describe('model fingerprint', () => {
  it('is the same for two reads of an unchanged database, and changes with the schema', async () => {
    const first = await introspect(db.sql);
    const second = await introspect(db.sql);
    expect(second.introspectedAt).not.toBe(first.introspectedAt);
    expect(modelFingerprint(second)).toBe(modelFingerprint(first));
    await db.sql`alter table public.a add column email text`;
    expect(modelFingerprint(await introspect(db.sql))).not.toBe(modelFingerprint(first));
  });
});
