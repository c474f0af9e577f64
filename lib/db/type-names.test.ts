import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitStatements } from '../changesets/statements';
import { classifyTypeChange } from '../diff/type-change';
import { formatTypeName, nodeOf, nodesOf } from '../lint/ast';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { formatTypeNameOf } from './type-names';

/** Column types written every way people write them; PostgreSQL itself says what each is. */
const SPELLINGS = [
  'int', 'integer', 'int2', 'smallint', 'int4', 'int8', 'bigint', 'pg_catalog.int4', '"int4"',
  'float4', 'real', 'float8', 'double precision', 'float', 'float(10)',
  'decimal', 'decimal(10,2)', 'numeric(12,4)', 'bool', 'boolean',
  'varchar', 'varchar(50)', 'character varying(50)', 'char', 'char(3)', 'character(3)', 'bpchar(3)', '"char"',
  'varbit', 'bit varying(8)', 'timestamp', 'timestamp(3)', 'timestamptz', 'timestamptz(3)', 'timestamp with time zone',
  'time', 'timetz', 'time(2) with time zone', 'interval', 'text', 'uuid', 'jsonb', 'int4[]', 'varchar(20)[]',
];

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('types');
});
afterAll(async () => {
  await db.drop();
});

describe('one table of PostgreSQL type names', () => {
  it("the linter's reading of a parse tree names every type the way the catalog (format_type) does", async () => {
    const ddl = `create table public.spellings (${SPELLINGS.map((type, i) => `c${i} ${type}`).join(', ')})`;
    await db.sql.unsafe(ddl);
    const catalog = await db.sql`
      select a.attname, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
      where a.attrelid = 'public.spellings'::regclass and a.attnum > 0 order by a.attnum`;
    const [statement] = await splitStatements({ file: 'spellings.sql', text: ddl, checksum: '', noTransaction: false });
    const columns = nodesOf(nodeOf(statement!.node, 'CreateStmt')!.tableElts, 'ColumnDef');
    const linted = columns.map((c) => formatTypeName(c.typeName));
    expect(linted).toEqual(catalog.map((c) => String(c.type)));
    // …so the diff's classifier, which reads format_type strings, sees no change between the two.
    for (const [i, type] of linted.entries()) expect(classifyTypeChange(String(catalog[i]!.type), type).reason, SPELLINGS[i]).toBe('same type');
  });

  it('the diff classifier takes hand-written spellings for what format_type prints', () => {
    expect(classifyTypeChange('int4', 'integer').reason).toBe('same type');
    expect(classifyTypeChange('varchar(50)', 'character varying(50)').reason).toBe('same type');
    expect(classifyTypeChange('timestamptz', 'timestamp with time zone').reason).toBe('same type');
    expect(classifyTypeChange('char(3)', 'bpchar(3)').reason).toBe('same type');
    // The quoted one-byte "char" is not character.
    expect(classifyTypeChange('"char"', 'character').reason).not.toBe('same type');
  });

  it('leaves names it does not know alone, including inherited object keys', () => {
    expect(formatTypeNameOf('app.status')).toBe('app.status');
    expect(formatTypeNameOf('constructor')).toBe('constructor');
    expect(formatTypeNameOf('int8')).toBe('bigint');
  });
});
