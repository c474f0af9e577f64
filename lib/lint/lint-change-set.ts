import type { ChangeSet, SqlFile } from '../changesets/project';
import { parseFile, type LintStatement, type ParsedFile } from './parse-file';
import type { ChangeSetHit, LintRule, RuleHit, RuleOptions } from './rule';
import { RULES_BY_ID } from './rules';
import type { SchemaModel } from './schema-model';
import { headerComments, silencesIn, type Silence } from './silencing';
import { TransactionState } from './transaction-state';
import type { LintFileKind, LintFinding } from './types';

/** A hit with its rule and place, before silences and the project's severities are applied. */
interface Located {
  rule: LintRule;
  hit: RuleHit;
  fileKind: LintFileKind;
  line: number;
  statementIndex: number | null;
}

/**
 * Lints one change set and advances the schema model past it. The model always advances
 * (later change sets need the context); findings are collected only when `collect` is set.
 */
export async function lintChangeSet(changeSet: ChangeSet, model: SchemaModel, options: RuleOptions, collect: boolean): Promise<LintFinding[]> {
  const rules = activeRules(options);
  const found: Located[] = [];
  model.startChangeSet();
  const forward = await parseFile(changeSet.forward);
  const session = new TransactionState(changeSet.forward.noTransaction);
  const statements = forward.ok ? forward.statements : [];
  if (!forward.ok) found.push(syntaxError(forward, 'forward'));
  for (const statement of statements) {
    if (collect) {
      const ctx = { statement, changeSet, model, session, options };
      for (const rule of rules) {
        for (const hit of rule.checkStatement?.(ctx) ?? []) found.push({ rule, hit, fileKind: 'forward', line: statement.line, statementIndex: statement.index });
      }
    }
    const at = { tag: changeSet.tag, statementIndex: statement.index, line: statement.line };
    model.apply(statement.node, at);
    session.apply(statement.node, at);
  }
  if (!collect) return [];
  const rollback = changeSet.rollback ? await parseFile(changeSet.rollback) : null;
  if (rollback && !rollback.ok) found.push(syntaxError(rollback, 'rollback'));
  const checks = changeSet.checks ? await parseFile(changeSet.checks) : null;
  if (checks && !checks.ok) found.push(syntaxError(checks, 'checks'));
  if (forward.ok) {
    const ctx = { changeSet, model, session, statements, rollback, checks, options };
    for (const rule of rules) {
      for (const hit of rule.checkChangeSet?.(ctx) ?? []) found.push(locatedChangeSetHit(rule, hit));
    }
  }
  const silences = silencesOf(changeSet, statements, rollback);
  found.push(...brokenSilences(silences));
  const order = (f: Located) => ({ forward: 0, rollback: 1, checks: 2 })[f.fileKind];
  found.sort((a, b) => order(a) - order(b) || a.line - b.line);
  return found.filter((f) => options.config.rules[f.rule.id] !== 'off').map((f) => finding(f, changeSet, silences, options));
}

/** The rules the project has not turned off, computed once per config. */
const activeByConfig = new WeakMap<RuleOptions['config'], LintRule[]>();
function activeRules(options: RuleOptions): LintRule[] {
  let rules = activeByConfig.get(options.config);
  if (!rules) {
    rules = [...RULES_BY_ID.values()].filter((rule) => options.config.rules[rule.id] !== 'off');
    activeByConfig.set(options.config, rules);
  }
  return rules;
}

function syntaxError(file: Extract<ParsedFile, { ok: false }>, fileKind: LintFileKind): Located {
  return { rule: RULES_BY_ID.get('sql-syntax-error')!, hit: { message: file.message }, fileKind, line: file.line, statementIndex: null };
}

function locatedChangeSetHit(rule: LintRule, hit: ChangeSetHit): Located {
  return { rule, hit, fileKind: hit.fileKind ?? 'forward', line: hit.line, statementIndex: hit.statementIndex };
}

/** Silences by place: `forward:3` for statement 3, `forward:file` for the file header (file-level findings). */
type SilenceMap = Map<string, { silences: Silence[]; statementIndex: number | null; fileKind: LintFileKind }>;

function silencesOf(changeSet: ChangeSet, statements: LintStatement[], rollback: ParsedFile | null): SilenceMap {
  const map: SilenceMap = new Map();
  for (const s of statements) map.set(`forward:${s.index}`, { silences: silencesIn(s.comments), statementIndex: s.index, fileKind: 'forward' });
  const header = (file: SqlFile, fileKind: LintFileKind) => map.set(`${fileKind}:file`, { silences: silencesIn(headerComments(file.text)), statementIndex: null, fileKind });
  header(changeSet.forward, 'forward');
  if (changeSet.rollback) header(changeSet.rollback, 'rollback');
  if (rollback?.ok) for (const s of rollback.statements) map.set(`rollback:${s.index}`, { silences: silencesIn(s.comments), statementIndex: s.index, fileKind: 'rollback' });
  return map;
}

/** Silences without a reason or naming unknown rules: findings of their own, never silenced. */
function brokenSilences(map: SilenceMap): Located[] {
  const found: Located[] = [];
  const seen = new Set<number | string>();
  for (const { silences, statementIndex, fileKind } of map.values()) {
    for (const silence of silences) {
      // The header of a file is also the first statement's comment block: report each comment once.
      if (seen.has(`${fileKind}:${silence.line}`)) continue;
      seen.add(`${fileKind}:${silence.line}`);
      const at = { fileKind, line: silence.line, statementIndex };
      if (silence.reason === null) {
        found.push({ ...at, rule: RULES_BY_ID.get('lint-ignore-needs-reason')!, hit: { message: `strata-lint-ignore ${silence.ruleIds.join(', ')} has no reason after a colon, so it silences nothing` } });
      }
      const unknown = silence.ruleIds.filter((id) => !RULES_BY_ID.has(id));
      if (unknown.length > 0 || silence.ruleIds.length === 0) {
        const what = unknown.length ? `unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` : 'no rule id';
        found.push({ ...at, rule: RULES_BY_ID.get('lint-ignore-unknown-rule')!, hit: { message: `strata-lint-ignore names ${what}` } });
      }
    }
  }
  return found;
}

/** An `ignore` entry of strata-lint.json covering this finding, as a silence. */
function configIgnore(config: RuleOptions['config'], changeSet: ChangeSet, ruleId: string, fileKind: LintFileKind, line: number) {
  const entry = config.ignore.find(
    (e) =>
      (e.changeSet === changeSet.tag || e.changeSet === String(changeSet.version) || changeSet.tag.startsWith(`${e.changeSet}_`)) &&
      e.rules.includes(ruleId) &&
      (!e.lines || (fileKind === 'forward' && e.lines.includes(line))),
  );
  return entry ? { reason: entry.reason, line: 0, source: 'config' as const } : undefined;
}

const UNSILENCEABLE = new Set(['lint-ignore-needs-reason', 'lint-ignore-unknown-rule', 'sql-syntax-error']);

function finding(located: Located, changeSet: ChangeSet, silences: SilenceMap, options: RuleOptions): LintFinding {
  const { rule, hit, fileKind, line, statementIndex } = located;
  const file = fileKind === 'forward' ? changeSet.forward.file : fileKind === 'rollback' ? (changeSet.rollback?.file ?? '') : (changeSet.checks?.file ?? '');
  const configured = options.config.rules[rule.id];
  const place = `${fileKind}:${statementIndex ?? 'file'}`;
  const comment = UNSILENCEABLE.has(rule.id) ? undefined : silences.get(place)?.silences.find((s) => s.reason !== null && s.ruleIds.includes(rule.id));
  const silence = comment
    ? { reason: comment.reason!, line: comment.line, source: 'comment' as const }
    : UNSILENCEABLE.has(rule.id)
      ? undefined
      : configIgnore(options.config, changeSet, rule.id, fileKind, line);
  return {
    ruleId: rule.id,
    severity: configured && configured !== 'off' ? configured : (hit.severity ?? rule.severity),
    category: rule.category,
    message: hit.message,
    explanation: rule.explanation,
    saferAlternative: rule.saferAlternative,
    changeSet: changeSet.tag,
    fileKind,
    file,
    line,
    statementIndex,
    ...(silence ? { silenced: silence } : {}),
  };
}
