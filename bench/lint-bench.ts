import { performance } from 'node:perf_hooks';
import { parseSync } from 'libpg-query';
import { loadParser } from '../lib/changesets/statements';
import { DEFAULT_LINT_CONFIG } from '../lib/lint/config';
import { lintProject } from '../lib/lint/lint-project';
import { projectFromSql, type SqlChangeSet } from '../lib/lint/sql-project';
import { median } from './bench-cluster';

export interface LintBenchResult {
  changeSets: number;
  statements: number;
  findings: number;
  /** lintProject over every change set, median of `runs`. */
  lintMs: number;
  /** parseSync of the same forward and rollback files, nothing else (median of `runs`). */
  parseOnlyMs: number;
  /** lint ÷ parse-only: what splitting, the schema model and the rules cost on top of parsing. */
  ratio: number;
  runs: number;
}

/** A small deterministic generator (mulberry32), so every run lints the same project. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COLUMN_TYPES = ['text', 'bigint', 'integer', 'numeric(12, 2)', 'boolean', 'timestamptz', 'jsonb', 'uuid', 'varchar(255)', 'date'];

/**
 * 1,000 change sets shaped like a real project's history: tables created with keys,
 * foreign keys and their indexes, then evolved with added columns, indexes (some
 * CONCURRENTLY in no-transaction change sets), constraints added NOT VALID and validated
 * later, widened varchars, renames, drops and data backfills, each with its rollback.
 */
export function generateChangeSets(count: number, seed = 7): SqlChangeSet[] {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const tables: Array<{ name: string; columns: string[] }> = [];
  const changeSets: SqlChangeSet[] = [];
  const pendingValidation: Array<{ table: string; constraint: string }> = [];
  for (let i = 0; i < count; i++) {
    const kind = tables.length < 5 ? 'create' : pick(['create', 'create', 'column', 'column', 'index', 'concurrent', 'fk', 'widen', 'backfill', 'rename', 'drop']);
    if (kind === 'create') {
      const name = `app.t${i}`;
      const columns = Array.from({ length: 4 + Math.floor(next() * 8) }, (_, c) => `c${c}`);
      const parent = tables.length && next() < 0.6 ? pick(tables) : null;
      const defs = columns.map((c) => `  ${c} ${pick(COLUMN_TYPES)}${next() < 0.3 ? ' NOT NULL' : ''}`);
      const fk = parent ? `,\n  parent_id bigint REFERENCES ${parent.name} (id)` : '';
      const index = parent ? `\n--> statement-breakpoint\nCREATE INDEX ix_t${i}_parent_id ON ${name} (parent_id);` : '';
      changeSets.push({
        name: `create_t${i}`,
        forward: `CREATE TABLE ${name} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n${defs.join(',\n')}${fk},\n  created_at timestamptz NOT NULL DEFAULT now(),\n  updated_at timestamptz NOT NULL DEFAULT now()\n);${index}`,
        rollback: `DROP TABLE ${name};`,
      });
      tables.push({ name, columns: [...columns, ...(parent ? ['parent_id'] : [])] });
      continue;
    }
    const table = pick(tables);
    const column = pick(table.columns);
    const lock = "SET LOCAL lock_timeout = '5s';\n--> statement-breakpoint\n";
    if (kind === 'column') {
      const added = `added_${i}`;
      changeSets.push({ name: `add_${added}`, forward: `${lock}ALTER TABLE ${table.name} ADD COLUMN ${added} ${pick(COLUMN_TYPES)}${next() < 0.5 ? " DEFAULT '0'" : ''};`, rollback: `ALTER TABLE ${table.name} DROP COLUMN ${added};` });
      table.columns.push(added);
    } else if (kind === 'index' || kind === 'concurrent') {
      const concurrently = kind === 'concurrent';
      const name = `ix_${table.name.slice(4)}_${column}_${i}`;
      changeSets.push({
        name: `index_${i}`,
        forward: `${concurrently ? '-- strata:no-transaction\n' : ''}CREATE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${name} ON ${table.name} (${column});`,
        rollback: `DROP INDEX app.${name};`,
      });
    } else if (kind === 'fk') {
      const target = pick(tables);
      const constraint = `fk_${table.name.slice(4)}_${i}`;
      const validate = pendingValidation.shift();
      const validation = validate ? `\n--> statement-breakpoint\nALTER TABLE ${validate.table} VALIDATE CONSTRAINT ${validate.constraint};` : '';
      changeSets.push({
        name: `fk_${i}`,
        forward: `${lock}ALTER TABLE ${table.name} ADD COLUMN ref_${i} bigint;\n--> statement-breakpoint\nALTER TABLE ${table.name} ADD CONSTRAINT ${constraint} FOREIGN KEY (ref_${i}) REFERENCES ${target.name} (id) NOT VALID;${validation}`,
        rollback: `ALTER TABLE ${table.name} DROP COLUMN ref_${i};`,
      });
      pendingValidation.push({ table: table.name, constraint });
      table.columns.push(`ref_${i}`);
    } else if (kind === 'widen') {
      changeSets.push({ name: `widen_${i}`, forward: `${lock}ALTER TABLE ${table.name} ALTER COLUMN ${column} TYPE text;`, rollback: `ALTER TABLE ${table.name} ALTER COLUMN ${column} TYPE varchar(255);` });
    } else if (kind === 'backfill') {
      changeSets.push({ name: `backfill_${i}`, forward: `UPDATE ${table.name} SET updated_at = now() WHERE updated_at < created_at;`, rollback: '-- a backfill has nothing to undo' });
    } else if (kind === 'rename') {
      const renamed = `${column}_v${i}`;
      changeSets.push({ name: `rename_${i}`, forward: `${lock}ALTER TABLE ${table.name} RENAME COLUMN ${column} TO ${renamed};`, rollback: `ALTER TABLE ${table.name} RENAME COLUMN ${renamed} TO ${column};` });
      table.columns[table.columns.indexOf(column)] = renamed;
    } else if (table.columns.length > 2) {
      changeSets.push({ name: `drop_${i}`, forward: `${lock}ALTER TABLE ${table.name} DROP COLUMN ${column};`, rollback: `ALTER TABLE ${table.name} ADD COLUMN ${column} text;` });
      table.columns.splice(table.columns.indexOf(column), 1);
    } else {
      changeSets.push({ name: `noop_${i}`, forward: 'SELECT 1;', rollback: '-- nothing' });
    }
  }
  changeSets.unshift({ name: 'schema', forward: 'CREATE SCHEMA app;', rollback: 'DROP SCHEMA app;' });
  return changeSets.slice(0, count);
}

/** Lints the generated project, and parses the same files with nothing else, in the same run. */
export async function benchLint(count = 1000, runs = 5): Promise<LintBenchResult> {
  await loadParser();
  const project = projectFromSql(generateChangeSets(count));
  const files = project.changeSets.flatMap((c) => [c.forward.text, ...(c.rollback ? [c.rollback.text] : [])]);
  const lint: number[] = [];
  const parse: number[] = [];
  let findings = 0;
  let statements = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const report = await lintProject(project, { config: DEFAULT_LINT_CONFIG });
    lint.push(performance.now() - t0);
    findings = report.changeSets.reduce((n, c) => n + c.findings.length, 0);
    const t1 = performance.now();
    statements = 0;
    // drizzle's breakpoints are comments to the parser: the whole file parses in one call.
    for (const text of files) statements += parseSync(text).stmts?.length ?? 0;
    parse.push(performance.now() - t1);
  }
  const lintMs = median(lint);
  const parseOnlyMs = median(parse);
  return { changeSets: project.changeSets.length, statements, findings, lintMs, parseOnlyMs, ratio: lintMs / parseOnlyMs, runs };
}
