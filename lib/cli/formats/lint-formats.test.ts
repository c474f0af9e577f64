import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { escapeData, escapeProperty } from './github-annotations';

const FIXTURE = 'test/fixtures/ci-formats';
const schema = (file: string) => JSON.parse(fs.readFileSync(path.resolve('test/fixtures/sarif', file), 'utf8'));

/** The string formats the schemas use, checked rather than ignored. */
const FORMATS = {
  uri: (s: string) => URL.canParse(s),
  'uri-reference': (s: string) => URL.canParse(s, 'file:///repo/'),
  'date-time': (s: string) => !Number.isNaN(Date.parse(s)),
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

/**
 * The SARIF 2.1.0 schema in its two published revisions (test/fixtures/sarif/README.md): the
 * OASIS draft-07 file, and the one Microsoft's SARIF SDK validates with today (2020-12, with
 * the errata). A log must pass both.
 */
function sarifValidators() {
  return [
    new Ajv({ allErrors: true, formats: FORMATS }).compile(schema('sarif-schema-2.1.0.json')),
    new Ajv2020({ allErrors: true, formats: FORMATS }).compile(schema('sarif-2.1.0-multitool.json')),
  ];
}

function expectValidSarif(log: unknown) {
  for (const validate of sarifValidators()) expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
  suppressions?: Array<{ kind: string; justification: string }>;
}

describe('strata lint --format sarif', () => {
  it('is a SARIF 2.1.0 log the official schema accepts: one result per finding, placed from the repository root, with its rule', async () => {
    const run = await cli('lint', '--dir', FIXTURE, '--format', 'sarif');
    expect(run.code, run.stderr).toBe(1); // errors found: the exit code does not depend on the format
    const log = JSON.parse(run.stdout);
    expectValidSarif(log);

    const [sarifRun] = log.runs;
    const results: SarifResult[] = sarifRun.results;
    expect(results.map((r) => `${r.level} ${r.ruleId} ${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}:${r.locations[0]!.physicalLocation.region.startColumn}`)).toEqual([
      'warning sensitive-column-plaintext test/fixtures/ci-formats/migrations/0001_accounts_email.sql:3:1',
      // The CREATE INDEX line is indented by two spaces.
      'error create-index-without-concurrently test/fixtures/ci-formats/migrations/0001_accounts_email.sql:5:3',
      'error drop-column test/fixtures/ci-formats/migrations/0002_drop_legacy_code.sql:4:1',
    ]);
    // Each result points at its rule, which carries why and the safer alternative.
    for (const r of results) {
      const rule = sarifRun.tool.driver.rules[r.ruleIndex];
      expect(rule.id).toBe(r.ruleId);
      expect(rule.help.markdown).toContain('**Instead:**');
      expect(rule.fullDescription.text.length).toBeGreaterThan(20);
    }
    expect(results[1]!.message.text).toMatch(/^index ix_accounts_email on public\.accounts is built without CONCURRENTLY.*Instead: CREATE INDEX CONCURRENTLY/);
    // The silenced finding stays, suppressed in the source with its reason.
    expect(results.map((r) => r.suppressions ?? null)).toEqual([
      null,
      null,
      [{ kind: 'inSource', justification: 'nothing has read legacy_code since the 2025 import' }],
    ]);
  });

  it('the schema check can fail: a log with a level SARIF does not have is refused', async () => {
    const log = JSON.parse((await cli('lint', '--dir', FIXTURE, '--format', 'sarif')).stdout);
    log.runs[0].results[0].level = 'fatal';
    for (const validate of sarifValidators()) {
      expect(validate(log)).toBe(false);
      expect(validate.errors?.some((e) => e.instancePath === '/runs/0/results/0/level')).toBe(true);
    }
  });

  it('a clean project is a valid log with no results, and exits 0', async () => {
    const dir = writeFixtureProject([{ name: 'notes', up: 'CREATE TABLE public.notes (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());', down: 'DROP TABLE public.notes;' }]);
    const run = await cli('lint', '--dir', dir, '--format', 'sarif');
    expect(run.code, run.stderr).toBe(0);
    const log = JSON.parse(run.stdout);
    expectValidSarif(log);
    expect(log.runs[0].results).toEqual([]);
  });
});

describe('strata lint --format github', () => {
  it('prints one workflow command per unsilenced finding, properties and message escaped, then a summary', async () => {
    const run = await cli('lint', '--dir', FIXTURE, '--format', 'github');
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^::warning file=test\/fixtures\/ci-formats\/migrations\/0001_accounts_email\.sql,line=3,col=1,title=strata lint%3A sensitive-column-plaintext::public\.accounts: email text looks sensitive and is stored as plain text%0Awhy: .*%0Ainstead: /,
    );
    expect(lines[1]).toMatch(/^::error file=test\/fixtures\/ci-formats\/migrations\/0001_accounts_email\.sql,line=5,col=3,title=strata lint%3A create-index-without-concurrently::index ix_accounts_email/);
    expect(lines[2]).toBe('strata lint: 1 error(s), 1 warning(s), 1 silenced in 3 change set(s).');
    // No raw line break inside a command: each finding is exactly one line.
    expect(lines.filter((l) => l.startsWith('::'))).toHaveLength(2);
  });

  it('escapes as the Actions toolkit does: % CR LF in messages, and also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a, b')).toBe('50%25 done%0D%0Anext: a, b');
    expect(escapeProperty('dir,with:odd%name\n')).toBe('dir%2Cwith%3Aodd%25name%0A');
  });
});

describe('--format is checked before anything runs', () => {
  it('an unknown format, --json beside one, or --rules with one is bad usage (exit 2) naming the choices', async () => {
    const unknown = await cli('lint', '--dir', FIXTURE, '--format', 'xml');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe('error [BAD_USAGE]: Unknown format "xml" for lint: --format takes text, sarif or github\n');
    const both = await cli('lint', '--dir', FIXTURE, '--format', 'sarif', '--json');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give --json or --format sarif, not both');
    expect((await cli('lint', '--rules', '--format', 'github')).code).toBe(2);
    // text is the default, and naming it is the same as leaving it out.
    const text = await cli('lint', '--dir', FIXTURE, '--format', 'text');
    expect(text.stdout).toMatch(/^3 change sets linted .*: 1 error, 1 warning, 1 silenced/m);
    for (const [command, choices] of [
      ['verify', 'text or junit'],
      ['plan', 'text or markdown'],
    ] as const) {
      const run = await cli(command, '--dir', FIXTURE, '--database-url', 'postgres://nobody@127.0.0.1:1/none', '--format', 'sarif');
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`error [BAD_USAGE]: Unknown format "sarif" for ${command}: --format takes ${choices}\n`);
    }
  });

  it('help lists --format and its choices for lint, verify and plan', async () => {
    expect((await cli('lint', '--help')).stdout).toMatch(/--format F\s+text, sarif or github \(default text\)/);
    expect((await cli('verify', '--help')).stdout).toMatch(/--format F\s+text or junit \(default text\)/);
    expect((await cli('plan', '--help')).stdout).toMatch(/--format F\s+text or markdown \(default text\)/);
    const overview = (await cli('--help')).stdout;
    expect(overview).toMatch(/^ {2}lint +text, sarif or github$/m);
    expect(overview).toMatch(/^ {2}verify +text or junit$/m);
    expect(overview).toMatch(/^ {2}plan +text or markdown$/m);
  });
});
