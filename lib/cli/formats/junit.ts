import type { ChangeSetVerification, VerifyReport, VerifyStep, VerifyStepName } from '../../verify/types';

/**
 * `strata verify --format junit`: the round trip as JUnit XML, for a CI test report. One
 * test suite for the run; one test case per change set and step (apply, rollback,
 * compare-before, reapply, compare-first, and idempotent for a change set that claims it),
 * classname the change set's tag. Every change set lists the same steps whether they ran or
 * not, so a report's history lines up run after run: a step that did not run is skipped with
 * the reason. A failed step is a <failure> with PostgreSQL's message or the differences.
 */

const STEPS: VerifyStepName[] = ['apply', 'rollback', 'compare-before', 'reapply', 'compare-first'];

interface TestCase {
  classname: string;
  name: string;
  seconds: number;
  failure?: { message: string; type: string; detail: string };
  skipped?: string;
}

export function verifyJunit(report: VerifyReport): string {
  const cases = report.changeSets.flatMap(casesOf);
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="strata verify" ${counts}>`,
    `  <testsuite name="strata verify" ${counts}>`,
    ...cases.map(caseXml),
    '  </testsuite>',
    '</testsuites>',
  ].join('\n');
}

function casesOf(c: ChangeSetVerification): TestCase[] {
  const names = c.claimsIdempotent ? [...STEPS, 'idempotent' as const] : STEPS;
  const ran = new Map(c.steps.map((s) => [s.step, s]));
  return names.map((name) => {
    const step = ran.get(name);
    const base = { classname: c.tag, name, seconds: (step?.durationMs ?? 0) / 1000 };
    if (!step) return { ...base, skipped: notRunReason(c, name) };
    return step.ok ? base : { ...base, failure: failureOf(c, step) };
  });
}

function notRunReason(c: ChangeSetVerification, name: VerifyStepName): string {
  if (c.verdict === 'not-run') return `not run: ${c.notRunBecause ?? 'an earlier change set stopped the run'}`;
  if (c.verdict === 'no-rollback' && name !== 'apply') return 'not run: the change set has no rollback file';
  return `not run: an earlier step failed (${c.verdict})`;
}

function failureOf(c: ChangeSetVerification, step: VerifyStep): NonNullable<TestCase['failure']> {
  const lines = [...(step.detail ? [step.detail] : []), ...(step.differences ?? [])];
  if (step.step === 'idempotent') lines.push(...(c.guards?.unguarded ?? []).map((u) => `unguarded: ${u}`));
  if (c.shadowRebuilt) lines.push('It left the shadow unlike a plain apply: the next change set ran on a fresh shadow.');
  return { type: c.verdict, message: `${c.tag} ${step.step}: ${lines[0] ?? c.verdict}`, detail: lines.join('\n') };
}

function caseXml(c: TestCase): string {
  const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}" time="${c.seconds.toFixed(3)}"`;
  if (c.failure) return `${open}>\n      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${xml(c.failure.detail)}</failure>\n    </testcase>`;
  if (c.skipped !== undefined) return `${open}>\n      <skipped message="${attr(c.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

/** An attribute value: a parser turns raw line breaks and tabs in one into spaces, so they are written as references. */
function attr(text: string): string {
  return xml(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** Text safe in an XML attribute or element: the five entities escaped, characters XML 1.0 forbids dropped. */
export function xml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
