import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { readProject } from './project';
import { splitStatements } from './statements';
import { editJournal, writeFixtureProject } from '../../test/support/fixture-project';
import { isStrataError } from '../errors';

function expectProjectError(dir: string, pattern: RegExp) {
  try {
    readProject(dir);
  } catch (error) {
    expect(isStrataError(error, 'MALFORMED_PROJECT')).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected readProject to fail');
}

describe('readProject', () => {
  it('reads the journal, SQL, rollback files and the no-transaction directive', () => {
    const dir = writeFixtureProject([
      { name: 'one', up: 'create table a (id int);', down: 'drop table a;' },
      { name: 'two', up: '-- strata:no-transaction\ncreate index concurrently a_id on a (id);' },
    ]);
    const project = readProject(dir);
    expect(project.changeSets.map((c) => c.tag)).toEqual(['0000_one', '0001_two']);
    expect(project.changeSets[0]!.rollback?.text).toBe('drop table a;');
    expect(project.changeSets[1]!.rollback).toBeNull();
    expect(project.changeSets[0]!.forward.noTransaction).toBe(false);
    expect(project.changeSets[1]!.forward.noTransaction).toBe(true);
  });

  it('uses the same checksum as drizzle-orm\'s migrator, so both record the same hash', () => {
    const dir = writeFixtureProject([{ name: 'one', up: 'create table a (id int);\n--> statement-breakpoint\ncreate table b (id int);' }]);
    const ours = readProject(dir).changeSets[0]!.forward.checksum;
    const theirs = readMigrationFiles({ migrationsFolder: path.join(dir, 'migrations') })[0]!.hash;
    expect(ours).toBe(theirs);
    expect(ours).toBe(createHash('sha256').update('create table a (id int);\n--> statement-breakpoint\ncreate table b (id int);').digest('hex'));
  });

  it('names the journal when it is not JSON', () => {
    const dir = writeFixtureProject([{ name: 'one', up: 'select 1;' }]);
    fs.writeFileSync(path.join(dir, 'migrations/meta/_journal.json'), '{ "entries": [');
    expectProjectError(dir, /_journal\.json is not valid JSON/);
  });

  it('names the field when the journal has the wrong shape', () => {
    const dir = writeFixtureProject([{ name: 'one', up: 'select 1;' }]);
    editJournal(dir, (j) => {
      (j.entries[0] as unknown as { when: string }).when = 'yesterday';
    });
    expectProjectError(dir, /entries\.0\.when/);
  });

  it('names the missing SQL file of a journal entry', () => {
    const dir = writeFixtureProject([{ name: 'one', up: 'select 1;' }]);
    fs.rmSync(path.join(dir, 'migrations/0000_one.sql'));
    expectProjectError(dir, /0000_one has no SQL file/);
  });

  it('refuses a folder without a journal', () => {
    expectProjectError(fs.mkdtempSync('/tmp/strata-empty-'), /No drizzle journal/);
  });

  it('refuses duplicate tags', () => {
    const dir = writeFixtureProject([{ name: 'one', up: 'select 1;' }, { name: 'two', up: 'select 2;' }]);
    editJournal(dir, (j) => {
      j.entries[1]!.tag = j.entries[0]!.tag;
    });
    expectProjectError(dir, /duplicate tag/);
  });
});

describe('splitStatements', () => {
  it('splits on breakpoints and inside chunks with the real parser, keeping dollar quotes whole', async () => {
    const text = [
      'create table a (id int);',
      '--> statement-breakpoint',
      "create function f() returns int language plpgsql as $$ begin return 1; end $$; insert into s.t values (';');",
    ].join('\n');
    const file = { file: 'migrations/x.sql', text, checksum: '', noTransaction: false };
    const statements = await splitStatements(file);
    expect(statements.map((s) => s.sql)).toEqual([
      'create table a (id int)',
      'create function f() returns int language plpgsql as $$ begin return 1; end $$',
      "insert into s.t values (';')",
    ]);
    expect(statements.map((s) => s.line)).toEqual([1, 3, 3]);
    expect(statements[2]!.tables).toEqual(['s.t']);
  });

  it('keeps statements whole after multi-byte characters (the parser counts bytes)', async () => {
    const text = "-- Ünïcödé — comment\ncreate table a (note text default 'café');\ncreate table b (id int);\n--> statement-breakpoint\n-- ✓ done\ncreate tabel c (id int);";
    const file = { file: 'migrations/u.sql', text, checksum: '', noTransaction: false };
    await expect(splitStatements(file)).rejects.toThrow(/u\.sql:6: SQL does not parse/);
    const ok = await splitStatements({ ...file, text: text.replace('tabel', 'table') });
    expect(ok.map((s) => s.sql)).toEqual([
      "create table a (note text default 'café')",
      'create table b (id int)',
      'create table c (id int)',
    ]);
    expect(ok.map((s) => s.line)).toEqual([2, 3, 6]);
  });

  it('reports the file and line of SQL that does not parse', async () => {
    const file = { file: 'migrations/0001_bad.sql', text: 'create table a (id int);\n--> statement-breakpoint\n\ncreate tabel b (id int);', checksum: '', noTransaction: false };
    await expect(splitStatements(file)).rejects.toThrow(/migrations\/0001_bad\.sql:4: SQL does not parse: syntax error at or near "tabel"/);
  });
});
