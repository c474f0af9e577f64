import type { ImportFormat, SourceListing } from './types';
import { readDbmate } from './sources/dbmate';
import { readDiesel } from './sources/diesel';
import { readGolangMigrate } from './sources/golang-migrate';
import { readPlainSql } from './sources/plain-sql';

/** One reader per source tool: each lists the folder's migrations in that tool's order. */
export const SOURCE_READERS: Record<ImportFormat, (src: string) => SourceListing> = {
  sql: readPlainSql,
  'golang-migrate': readGolangMigrate,
  dbmate: readDbmate,
  diesel: readDiesel,
};
