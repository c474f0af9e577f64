import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CHECKS_DIR, findChangeSet, type Project } from '../changesets/project';
import type { LintConfig } from './config';
import { lintChangeSet } from './lint-change-set';
import { checkWithoutChangeSet } from './rules/checks';
import { loadLintConfig } from './load-config';
import { SchemaModel } from './schema-model';
import { upgradeLeftovers } from './upgrade-leftovers';
import type { ChangeSetLint, LintFinding, LintReport } from './types';

/** The PostgreSQL major version assumed without a target: the one the embedded server and parser ship. */
export const DEFAULT_SERVER_VERSION = 18;

export interface LintOptions {
  /** Defaults to the project's strata-lint.json (or the defaults without one). */
  config?: LintConfig;
  /** PostgreSQL major version the change sets will run on (default 18). */
  serverVersion?: number;
  /** Live row count of schema.table on the target; null when unknown. Without it every count is unknown. */
  tableRows?: (table: string) => number | null;
  /** Lint only these change sets (tags or version numbers); the context is still built from all earlier ones. */
  tags?: string[];
}

/**
 * Lints a Drizzle project's change sets in journal order. Each change set is judged against
 * the schema the earlier ones built (a table created two change sets ago is an existing
 * table, with rows in production), and its rollback against its forward SQL. Only reads
 * files: no database is needed unless the caller supplies live figures.
 */
export async function lintProject(project: Project, options: LintOptions = {}): Promise<LintReport> {
  const t0 = performance.now();
  const config = options.config ?? loadLintConfig(project.dir);
  const serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
  const ruleOptions = { config, serverVersion, tableRows: options.tableRows ?? (() => null) };
  const wanted = options.tags ? new Set(options.tags.map((t) => findChangeSet(project, t).tag)) : null;
  const last = wanted ? Math.max(...project.changeSets.map((c, i) => (wanted.has(c.tag) ? i : -1))) : project.changeSets.length - 1;
  const model = new SchemaModel();
  const changeSets: ChangeSetLint[] = [];
  for (const changeSet of project.changeSets.slice(0, last + 1)) {
    const collect = wanted === null || wanted.has(changeSet.tag);
    const findings = await lintChangeSet(changeSet, model, ruleOptions, collect);
    if (collect) changeSets.push({ tag: changeSet.tag, version: changeSet.version, findings });
  }
  const projectFindings = wanted ? [] : [...orphanChecks(project, config), ...upgradeLeftovers(project, config)];
  const all = [...changeSets.flatMap((c) => c.findings), ...projectFindings];
  const live = all.filter((f) => !f.silenced);
  return {
    dir: project.dir,
    changeSets,
    projectFindings,
    errors: live.filter((f) => f.severity === 'error').length,
    warnings: live.filter((f) => f.severity === 'warning').length,
    silenced: all.length - live.length,
    serverVersion,
    durationMs: performance.now() - t0,
  };
}

/** Checks files (`checks/*.sql`) whose tag is no change set of the journal: they would never run. */
function orphanChecks(project: Project, config: LintConfig): LintFinding[] {
  const dir = path.join(project.dir, CHECKS_DIR);
  // In drizzle-kit 1.0's layout checks/ is not read at all: upgradeLeftovers says where each file goes.
  if (project.layout === 'folders') return [];
  if (!fs.existsSync(dir) || config.rules[checkWithoutChangeSet.id] === 'off') return [];
  const tags = new Set(project.changeSets.map((c) => c.tag));
  const configured = config.rules[checkWithoutChangeSet.id];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.sql') && !tags.has(name.slice(0, -'.sql'.length)))
    .sort()
    .map((name) => ({
      ruleId: checkWithoutChangeSet.id,
      severity: configured && configured !== 'off' ? configured : checkWithoutChangeSet.severity,
      category: checkWithoutChangeSet.category,
      message: `${CHECKS_DIR}/${name} has no change set ${name.slice(0, -'.sql'.length)} in the journal, so it never runs`,
      explanation: checkWithoutChangeSet.explanation,
      saferAlternative: checkWithoutChangeSet.saferAlternative,
      changeSet: name.slice(0, -'.sql'.length),
      fileKind: 'checks' as const,
      file: `${CHECKS_DIR}/${name}`,
      line: 1,
      statementIndex: null,
    }));
}
