import type { LintRule } from '../rule';

/** Documented for `strata lint --rules`; lintProject produces it (lib/lint/upgrade-leftovers.ts). */
export const fileLeftByUpgrade: LintRule = {
  id: 'file-left-by-upgrade',
  category: 'hygiene',
  severity: 'error',
  title: 'A rollback or checks file left where drizzle-kit 1.0’s layout does not read it',
  explanation:
    '`drizzle-kit up` moves each `migrations/NNNN_x.sql` into its own folder `migrations/<timestamp>_x/` but knows nothing of Strata’s `rollback/` and `checks/` folders. In the folder layout a change set’s rollback and checks are `rollback.sql` and `checks.sql` inside its folder, so files left in `rollback/` and `checks/` are never read: rollbacks stop working and checks stop guarding, silently.',
  saferAlternative: 'Move each file into its migration’s folder with the `git mv` the finding names, then delete the empty `rollback/` and `checks/` folders.',
};
