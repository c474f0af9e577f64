/**
 * drizzle-kit configuration for the Strata demo change sets.
 *
 * Run from the repository root:
 *   npx drizzle-kit generate --config drizzle/demo/drizzle.config.ts
 *
 * The schema code (one PostgreSQL schema per file) reproduces the SQL of the
 * source documents in /work/shared/seeds; the migrations folder holds the
 * drizzle-kit output (hand-edited where noted in each file's first line) and
 * ../rollback holds the matching rollback for every change set.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/demo/schema/*.ts',
  out: './drizzle/demo/migrations',
});
