/**
 * drizzle-kit configuration for the Strata demo change sets.
 *
 * Run from the repository root:
 *   npx drizzle-kit generate --config drizzle/demo/drizzle.config.ts
 *
 * The schema code (one PostgreSQL schema per file) reproduces the SQL of five
 * migration and schema design documents written for other systems, numbered 000 to
 * 004. They are not part of this repository: each schema file says in words what its
 * document describes, and the change sets' lint silences and the policy notes cite them
 * as "document 00N". The migrations folder holds the drizzle-kit output (hand-edited
 * where noted in each file's first line) and ../rollback holds the matching rollback for
 * every change set.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/demo/schema/*.ts',
  out: './drizzle/demo/migrations',
});
