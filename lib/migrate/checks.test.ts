import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { cli } from '../../test/support/cli-runner';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { dryRun } from './dry-run';
import { loadHistory } from './history-store';
import { readTarget } from './read-status';
import { verifyProject } from '../verify/round-trip';

/**
 * Checks (`checks/NNNN_tag.sql`) on a fixture project whose second change set fails its check:
 * test/fixtures/checked. Copies of it (at the same depth, so its strata.config.ts still finds
 * lib/) get edited checks for the other cases.
 */
const FIXTURE = path.resolve('test/fixtures/checked');

let db: ScratchDatabase;
const copies: string[] = [];
beforeEach(async () => {
  db = await createScratchDatabase('checks');
});
afterEach(async () => {
  await db.drop();
  for (const dir of copies.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the fixture beside it with some checks files replaced. */
function copyWith(checks: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(path.dirname(FIXTURE), '.tmp-checked-'));
  copies.push(dir);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  for (const [tag, text] of Object.entries(checks)) fs.writeFileSync(path.join(dir, 'checks', `${tag}.sql`), text);
  return dir;
}

async function members(): Promise<Array<{ id: number; status: string }>> {
  return (await db.sql`select id, status from club.members order by id`).map((r) => ({ id: Number(r.id), status: String(r.status) }));
}

async function hasColumn(name: string): Promise<boolean> {
  const [row] = await db.sql`select count(*)::int as n from information_schema.columns where table_schema = 'club' and table_name = 'members' and column_name = ${name}`;
  return row!.n === 1;
}

describe('a check that returns rows fails its change set (test/fixtures/checked)', () => {
  it('the target stays at the change set before it; history and result name the check, its comment and masked rows', async () => {
    const project = readProject(FIXTURE);
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.records.map((r) => [r.tag, r.status])).toEqual([['0000_club', 'applied'], ['0001_member_status', 'failed']]);
    const failure = result.failed!.error!;
    expect(failure.file).toBe('checks/0001_member_status.sql');
    expect(failure.message).toBe('check checks/0001_member_status.sql:9 "every member ends up active or lapsed" failed: it returned 12 rows, and must return none');
    expect(failure.check).toMatchObject({ phase: 'after', rowCount: 12, columns: ['id', 'email', 'display_name', 'status'] });
    // Up to 10 rows, the PII columns masked and named as masked; the others as they are.
    expect(failure.check!.rows).toHaveLength(10);
    expect(failure.check!.rows[0]).toEqual(['6', '••••', '••••', 'banned']);
    expect(failure.check!.masked.map((m) => m.column)).toEqual(['email', 'display_name']);
    expect(JSON.stringify(result)).not.toContain('@example.org');

    // Undone: 0001's new column and its update are gone; 0002 never ran.
    const { status, history } = await readTarget(db.url, project);
    expect(status.schemaVersion).toBe('0000_club');
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'failed', 'pending']);
    expect(await hasColumn('status_changed_at')).toBe(false);
    expect((await members()).filter((m) => m.status === 'pending').map((m) => m.id)).toEqual([4, 5]);

    const row = history.at(-1)!;
    expect(row).toMatchObject({ tag: '0001_member_status', status: 'failed', statements: 2, errorStatementIndex: null });
    expect(row.errorMessage).toContain('checks/0001_member_status.sql:9 "every member ends up active or lapsed"');
    expect(row.errorStatement).toContain("status not in ('active', 'lapsed')");
    expect(row.errorDetail).toMatch(/^12 rows returned, the first 10 shown; masked: email \(PII, club\.members\.email\), display_name \(PII, club\.members\.display_name\)\nid=6, email=••••, display_name=••••, status=banned/);
    expect(JSON.stringify(history)).not.toContain('@example.org');
    // The blocked reason on the environment page says the same.
    expect(status.changeSets[1]!.reason).toContain('"every member ends up active or lapsed"');
    expect(status.changeSets[1]!.reason).toContain('\nid=6, email=••••, display_name=••••, status=banned');
    // The checksum recorded for applied history is the forward file's alone.
    expect(history[0]!.checksum).toBe(project.changeSets[0]!.forward.checksum);
  });

  it('strata apply prints the check file, its comment and the masked rows, and exits 1', async () => {
    const out = await cli('apply', '--database-url', db.url, '--dir', FIXTURE);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('✗ 0001_member_status failed');
    expect(out.stdout).toContain('checks/0001_member_status.sql:9: check "every member ends up active or lapsed" failed: it returned 12 rows (must return none)');
    expect(out.stdout).toContain('id=6, email=••••, display_name=••••, status=banned');
    expect(out.stdout).toContain('masked: email (PII, club.members.email)');
    expect(out.stdout).not.toContain('@example.org');
    expect(out.stdout).toContain('Its transaction was rolled back; nothing after it ran.');
  });

  it('passing checks let the change set apply, and adding a checks file later leaves applied history valid', async () => {
    const passing = copyWith({ '0001_member_status': "-- no member is left pending\nselect id from club.members where status = 'pending';\n" });
    const project = readProject(passing);
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.failed).toBeNull();
    expect(result.records).toHaveLength(3);
    // A checks file for an applied change set: no checksum mismatch, nothing blocks.
    fs.writeFileSync(path.join(passing, 'checks', '0002_member_email_index.sql'), '-- e-mails are unique\nselect email from club.members group by email having count(*) > 1;\n');
    const { status } = await readTarget(db.url, readProject(passing));
    expect(status.counts).toMatchObject({ applied: 3, checksum_mismatch: 0 });
  });
});

describe('masking what a check returns', () => {
  it('masks a computed column when the check reads a PII column, and names why', async () => {
    const dir = copyWith({
      '0001_member_status': "-- banned members' addresses\nselect id, lower(email) as address, joined_at is not null as joined from club.members where status = 'banned' order by id;\n",
    });
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    const check = result.failed!.error!.check!;
    expect(check.columns).toEqual(['id', 'address', 'joined']);
    expect(check.rows[0]).toEqual(['6', '••••', '••••']);
    expect(check.masked).toEqual([
      { column: 'address', because: 'computed from club.members.email, PII' },
      { column: 'joined', because: 'computed from club.members.email, PII' },
    ]);
    expect(JSON.stringify(result)).not.toContain('@example.org');
  });

  it('masks every column of a table classified secret as a whole (its policy tags no column)', async () => {
    const dir = copyWith({});
    const config = fs.readFileSync(path.join(dir, 'strata.config.ts'), 'utf8');
    fs.writeFileSync(path.join(dir, 'strata.config.ts'), config.replace("classification: ['PII'],\n      columns: { email: ['PII'], display_name: ['PII'] },", "classification: ['secret'],"));
    const check = (await applyChangeSets(testContext(db.url), readProject(dir))).failed!.error!.check!;
    expect(check.rows[0]).toEqual(['••••', '••••', '••••', '••••']);
    expect(check.masked.map((m) => m.because)).toEqual(Array(4).fill('secret, table club.members'));
  });

  it('shows columns not classified PII or secret, computed ones too when the check reads no such column', async () => {
    const dir = copyWith({ '0001_member_status': "-- statuses that are not allowed\nselect status, count(*) as members from club.members where status = 'banned' group by status;\n" });
    const check = (await applyChangeSets(testContext(db.url), readProject(dir))).failed!.error!.check!;
    expect(check.rows).toEqual([['banned', '12']]);
    expect(check.masked).toEqual([]);
  });
});

describe('a check PostgreSQL refuses', () => {
  it('fails the change set with PostgreSQL\'s message, naming the check, and undoes it', async () => {
    const dir = copyWith({ '0001_member_status': '-- the audit table agrees\nselect id from club.audit where id < 0;\n' });
    await applyChangeSets(testContext(db.url), readProject(dir), { to: '0000_club' });
    const out = await cli('plan', '--database-url', db.url, '--dir', dir);
    expect(out.stdout).toContain('checks/0001_member_status.sql:2: check "the audit table agrees" would fail: could not run: relation "club.audit" does not exist');
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    const failure = result.failed!.error!;
    expect(failure.message).toBe('check checks/0001_member_status.sql:2 "the audit table agrees" could not run: relation "club.audit" does not exist');
    expect(failure).toMatchObject({ code: '42P01', check: { rowCount: null, rows: [] } });
    expect(await hasColumn('status_changed_at')).toBe(false);
  });
});

describe('before-checks', () => {
  it('run before the first statement: a failing one leaves the change set unrun, and says it was a before-check', async () => {
    const dir = copyWith({
      '0001_member_status': "-- strata:before\n-- nobody is banned yet\nselect id, email from club.members where status = 'banned' order by id limit 2;\n",
    });
    // The project's first change set applied alone, so the target has rows for the check.
    await applyChangeSets(testContext(db.url), readProject(dir), { to: '0000_club' });
    const before = await catalogFingerprint(db.sql);
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    const failure = result.failed!.error!;
    expect(failure.message).toBe('before-check checks/0001_member_status.sql:3 "nobody is banned yet" failed: it returned 2 rows, and must return none');
    expect(failure.check).toMatchObject({ phase: 'before', rows: [['6', '••••'], ['7', '••••']] });
    const history = await loadHistory(db.sql);
    expect(history.at(-1)).toMatchObject({ status: 'failed', statements: 0 });
    expect(await catalogFingerprint(db.sql)).toEqual(before);
  });

  it('a before-check sees the target before the change set, an after-check after it', async () => {
    const dir = copyWith({
      '0001_member_status': [
        '-- strata:before',
        '-- the new column is not there yet',
        "select 1 as present from information_schema.columns where table_schema = 'club' and column_name = 'status_changed_at';",
        '',
        '-- the new column is there',
        "select 1 as missing where not exists (select 1 from information_schema.columns where table_schema = 'club' and column_name = 'status_changed_at');",
        '',
      ].join('\n'),
    });
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.failed).toBeNull();
  });
});

describe('a check must be read-only, refused before anything runs', () => {
  for (const [what, sql, problem] of [
    ['an UPDATE', "update club.members set status = 'x' returning id", 'is an UPDATE'],
    ['a data-modifying WITH', 'with gone as (delete from club.members returning id) select id from gone', 'writes (a data-modifying DELETE inside it)'],
    ['SELECT INTO', 'select id into club.copy from club.members', 'creates a table (SELECT … INTO)'],
    ['FOR UPDATE', 'select id from club.members for update', 'locks rows (FOR UPDATE / FOR SHARE)'],
    ['a DDL statement', 'drop table club.members', 'is a DROP'],
  ] as const) {
    it(`${what}`, async () => {
      // In the second change set: the first one does not run either.
      const dir = copyWith({ '0001_member_status': `-- harmless, it says\n${sql};\n` });
      const before = await catalogFingerprint(db.sql);
      await expect(applyChangeSets(testContext(db.url), readProject(dir))).rejects.toThrow(
        `checks/0001_member_status.sql:2: a check must be a read-only query (SELECT, WITH … SELECT or VALUES) that returns the rows that are wrong; this one ${problem}`,
      );
      expect(await catalogFingerprint(db.sql)).toEqual(before);
      expect(await loadHistory(db.sql)).toEqual([]);
    });
  }

  it('a checks file that does not parse is refused with its line', async () => {
    const dir = copyWith({ '0001_member_status': '-- fine\nselect 1 where false;\n\nselec id from club.members;\n' });
    await expect(applyChangeSets(testContext(db.url), readProject(dir))).rejects.toThrow(/checks\/0001_member_status\.sql:4: SQL does not parse/);
    expect(await loadHistory(db.sql)).toEqual([]);
  });

  it('a function with side effects is undone by the check savepoint', async () => {
    const dir = copyWith({ '0000_club': '-- calls a function that writes\nselect 1 as wrote where club.enrol() = 0;\n' });
    fs.appendFileSync(
      path.join(dir, 'migrations', '0000_club.sql'),
      "\n--> statement-breakpoint\nCREATE FUNCTION club.enrol() RETURNS int LANGUAGE sql AS $$ INSERT INTO club.members (id, email, status) VALUES (99, 'x@example.org', 'active') RETURNING 1 $$;\n",
    );
    const result = await applyChangeSets(testContext(db.url), readProject(dir), { to: '0000_club' });
    expect(result.failed).toBeNull();
    expect((await members()).map((m) => m.id)).not.toContain(99);
  });
});

describe('dry runs report each check', () => {
  it('pass, fail or not run per check, with the failing one in full, and change nothing', async () => {
    const project = readProject(FIXTURE);
    await applyChangeSets(testContext(db.url), project, { to: '0000_club' });
    const before = await catalogFingerprint(db.sql);
    const result = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: db.url });
    const [status, index] = [result.changeSets.map((c) => [c.tag, c.status]), result.changeSets.find((c) => c.tag === '0001_member_status')!];
    expect(status).toEqual([['0001_member_status', 'failed'], ['0002_member_email_index', 'not_run']]);
    expect(index.checks.map((c) => [c.line, c.phase, c.status, c.rowCount])).toEqual([
      [3, 'before', 'passed', 0],
      [6, 'after', 'passed', 0],
      [9, 'after', 'failed', 12],
    ]);
    expect(result.failed?.error?.check?.comment).toBe('every member ends up active or lapsed');
    expect(result.failed?.error?.check?.rows[0]).toEqual(['6', '••••', '••••', 'banned']);
    expect(await catalogFingerprint(db.sql)).toEqual(before);
    expect((await members()).filter((m) => m.status === 'pending')).toHaveLength(2);

    const text = await cli('plan', '--database-url', db.url, '--dir', FIXTURE);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('check checks/0001_member_status.sql:6 "no member is left pending": passed');
    expect(text.stdout).toContain('checks/0001_member_status.sql:9: check "every member ends up active or lapsed" would fail: it returned 12 rows (must return none)');
  });
});

describe('no-transaction change sets', () => {
  it('a failing after-check cannot undo what committed: recorded failed, saying so', async () => {
    const dir = copyWith({});
    fs.writeFileSync(path.join(dir, 'migrations', '0002_member_email_index.sql'), '-- strata:no-transaction\nCREATE INDEX CONCURRENTLY "members_email_idx" ON "club"."members" USING btree ("email");\n');
    fs.writeFileSync(path.join(dir, 'checks', '0001_member_status.sql'), '-- nothing\nselect 1 where false;\n');
    fs.writeFileSync(path.join(dir, 'checks', '0002_member_email_index.sql'), "-- strata:before\n-- the index is not there yet\nselect 1 where to_regclass('club.members_email_idx') is not null;\n\n-- no index is left invalid\nselect indexrelid::regclass::text as index from pg_index where indexrelid = 'club.members_email_idx'::regclass and indisvalid;\n");
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.failed?.tag).toBe('0002_member_email_index');
    expect(result.failed?.error).toMatchObject({ noTransaction: true, check: { phase: 'after', rowCount: 1 } });
    const [index] = await db.sql`select to_regclass('club.members_email_idx')::text as name`;
    expect(index!.name).toBe('club.members_email_idx');
    const out = await cli('history', '--database-url', db.url, '--dir', dir);
    expect(out.stdout).toContain('no index is left invalid');
  });
});

describe('verify', () => {
  it('runs the checks in its round-trip: the fixture fails at 0001, naming the check', async () => {
    const report = await verifyProject(inject('pgAdminUrl'), readProject(FIXTURE));
    const [club, status] = report.changeSets;
    expect(club?.verdict).toBe('ok');
    expect(status).toMatchObject({ tag: '0001_member_status', verdict: 'apply-failed' });
    expect(status!.steps[0]!.detail).toContain('checks/0001_member_status.sql:9 "every member ends up active or lapsed"');
  });
});

describe('the fixture on disk', () => {
  it('has its checks beside migrations/ and rollback/', () => {
    const project = readProject(FIXTURE);
    expect(project.changeSets.map((c) => c.checks?.file ?? null)).toEqual(['checks/0000_club.sql', 'checks/0001_member_status.sql', null]);
  });
});
