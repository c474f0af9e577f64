/**
 * Migration lint: every change set's statements parsed with PostgreSQL's own
 * parser and checked against locking, breaking, design, convention and hygiene rules.
 */
export { lintProject, DEFAULT_SERVER_VERSION, type LintOptions } from './lint-project';
export { loadLintConfig, LINT_CONFIG_FILE } from './load-config';
export { DEFAULT_LINT_CONFIG, type LintConfig, type RuleSetting } from './config';
export { LINT_RULES } from './rules';
export type * from './types';
