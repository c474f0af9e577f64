import fs from 'node:fs';
import path from 'node:path';
import { CHECKS_DIR, type Project } from '../changesets/project';
import type { LintConfig } from './config';
import { fileLeftByUpgrade } from './rules/upgrade-leftovers';
import type { LintFinding } from './types';

/** Strata's per-change-set folders of the 0.x layout, and the file each becomes inside a migration folder. */
const LEFTOVER_DIRS = [
  { dir: 'rollback', file: 'rollback.sql', kind: 'rollback' },
  { dir: CHECKS_DIR, file: 'checks.sql', kind: 'checks' },
] as const;

/**
 * In drizzle-kit 1.0's folder layout, the `rollback/NNNN_x.sql` and `checks/NNNN_x.sql` files a
 * `drizzle-kit up` left behind, each with the `git mv` that puts it where it is read: the folder
 * `drizzle-kit up` made of `NNNN_x` (the one whose name after the timestamp is `x`).
 */
export function upgradeLeftovers(project: Project, config: LintConfig): LintFinding[] {
  const configured = config.rules[fileLeftByUpgrade.id];
  if (project.layout !== 'folders' || configured === 'off') return [];
  const findings: LintFinding[] = [];
  for (const { dir, file, kind } of LEFTOVER_DIRS) {
    const absolute = path.join(project.dir, dir);
    if (!fs.existsSync(absolute)) continue;
    for (const name of fs.readdirSync(absolute).filter((n) => n.endsWith('.sql')).sort()) {
      const oldTag = name.slice(0, -'.sql'.length);
      const suffix = oldTag.split('_').slice(1).join('_');
      const folders = project.changeSets.filter((c) => c.tag.split('_').slice(1).join('_') === suffix).map((c) => c.tag);
      const where =
        folders.length === 1
          ? fs.existsSync(path.join(project.dir, 'migrations', folders[0]!, file))
            ? `migrations/${folders[0]}/${file} exists already: compare the two, keep one there and delete ${dir}/${name}`
            : `move it: git mv ${dir}/${name} migrations/${folders[0]}/${file}`
          : folders.length === 0
            ? `no migration folder is named <timestamp>_${suffix}: move it into its migration's folder as ${file}, or delete it`
            : `several folders end in _${suffix} (${folders.join(', ')}): move it into the one drizzle-kit up made of ${oldTag} as ${file}`;
      findings.push({
        ruleId: fileLeftByUpgrade.id,
        severity: configured ?? fileLeftByUpgrade.severity,
        category: fileLeftByUpgrade.category,
        message: `${dir}/${name} is not read in drizzle-kit 1.0's folder layout (drizzle-kit up left it behind); ${where}`,
        explanation: fileLeftByUpgrade.explanation,
        saferAlternative: fileLeftByUpgrade.saferAlternative,
        changeSet: folders.length === 1 ? folders[0]! : oldTag,
        fileKind: kind,
        file: `${dir}/${name}`,
        line: 1,
        statementIndex: null,
      });
    }
  }
  return findings;
}
