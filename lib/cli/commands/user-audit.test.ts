import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureConsoleSchema } from '../../auth/console-db';
import { signIn } from '../../auth/sign-in';
import { cli } from '../../../test/support/cli-runner';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';
import { authCliIo } from './user';

const KEY = 'cli-audit-key-8a1f0e6c2b9d4735';
let db: ScratchDatabase;
const saved = { ...process.env };

beforeAll(async () => {
  db = await createScratchDatabase('authcli');
});
afterAll(async () => {
  await db.drop();
});
beforeEach(() => {
  Object.assign(process.env, {
    STRATA_ENVIRONMENTS: 'x',
    STRATA_ENV_X_URL: db.url,
    STRATA_CONSOLE_DATABASE_URL: db.url,
    STRATA_AUDIT_KEY: KEY,
    AUTH_SECRET: 'cli-auth-secret-3c5e7a9b1d2f4068',
    STRATA_AUDIT_HEAD_FILE: path.join(os.tmpdir(), `strata-authcli-head-${process.pid}.json`),
  });
  delete process.env.STRATA_ACTOR;
});
afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

describe('strata user', () => {
  it('add generates and prints a password once; list, set-role and disable; every change audited', async () => {
    const added = await cli('user', 'add', 'alice', '--role', 'operator', '--display-name', 'Alice A.', '--actor', 'ops-lead');
    expect(added.code).toBe(0);
    const password = /Password for alice \(shown once[^)]*\): (\S+)/.exec(added.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(added.stderr).not.toContain(password!);
    expect(await signIn(db.sql, { username: 'alice', password: password!, ip: 'cli-test' })).toMatchObject({ ok: true, user: { role: 'operator', displayName: 'Alice A.' } });

    const piped = 'a piped password for bob';
    vi.spyOn(authCliIo, 'readStdin').mockResolvedValue(`${piped}\n`);
    const bob = await cli('user', 'add', 'bob', '--role', 'admin', '--password-stdin', '--actor', 'ops-lead');
    expect(bob.code).toBe(0);
    expect(bob.stdout).not.toContain(piped);
    expect(bob.stdout).not.toMatch(/Password/);
    expect(await signIn(db.sql, { username: 'bob', password: piped, ip: 'cli-test' })).toMatchObject({ ok: true });

    const list = await cli('user', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/alice\s+Alice A\.\s+operator\s+enabled\s+password/);
    expect(list.stdout).toMatch(/bob\s+admin\s+enabled/);
    const json = JSON.parse((await cli('user', 'list', '--json')).stdout);
    expect(json.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob']);
    expect(JSON.stringify(json)).not.toMatch(/scrypt/);

    const role = await cli('user', 'set-role', 'alice', 'developer', '--actor', 'ops-lead');
    expect(role).toMatchObject({ code: 0, stdout: 'alice is now developer.\n' });
    const disabled = await cli('user', 'disable', 'alice', '--actor', 'ops-lead');
    expect(disabled.code).toBe(0);
    expect(await signIn(db.sql, { username: 'alice', password: password!, ip: 'cli-test-2' })).toEqual({ ok: false, reason: 'disabled' });

    // The last enabled admin stays: exit 1, and the refusal is audited too.
    const last = await cli('user', 'set-role', 'bob', 'viewer', '--actor', 'ops-lead');
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/INVALID_STATE.*last enabled admin/);

    const audit = await db.sql`select id, actor, role, action, target, outcome, detail, intent_id from console.audit_log order by id`;
    // Every change: its intent first, then its outcome naming that intent; the CLI actor is the OS user, --actor beside it.
    const outcomes = audit.filter((a) => a.outcome !== 'started');
    expect(outcomes.map((a) => `${String(a.actor).replace(/^cli:\S+ /, 'cli ')} ${a.role} ${a.action} ${a.target} ${a.outcome}`)).toEqual([
      'cli (as ops-lead) cli user-add alice ok',
      'cli (as ops-lead) cli user-add bob ok',
      'cli (as ops-lead) cli role-change alice ok',
      'cli (as ops-lead) cli user-disable alice ok',
      'cli (as ops-lead) cli role-change bob failed',
    ]);
    for (const outcome of outcomes) {
      const intent = audit.find((a) => Number(a.id) === Number(outcome.intent_id));
      expect(intent).toMatchObject({ outcome: 'started', action: outcome.action, actor: outcome.actor });
      expect(Number(intent!.id)).toBeLessThan(Number(outcome.id));
    }
    expect(outcomes[2]!.detail).toBe('operator → developer');
    const everything = JSON.stringify(audit);
    expect(everything).not.toContain(password!);
    expect(everything).not.toContain(piped);

    const listed = await cli('audit', 'list', '--limit', '2', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((e: { id: number }) => e.id)).toEqual([10, 9]);
    expect((await cli('audit', 'list')).stdout).toMatch(/\(as ops-lead\)\s+cli\s+user-add\s+alice\s+ok/);
  });

  it('refuse bad usage with exit 2: an unknown role, a bad name, a short password, a missing subcommand', async () => {
    const unknown = await cli('user', 'add', 'carol', '--role', 'superuser');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown role "superuser"/);
    expect((await cli('user', 'add', 'carol')).code).toBe(2);
    expect((await cli('user', 'add', 'Carol', '--role', 'viewer')).code).toBe(2);
    expect((await cli('user', 'set-role', 'bob', 'root')).code).toBe(2);
    expect((await cli('user', 'set-role', 'nobody', 'viewer')).code).toBe(2);
    expect((await cli('user')).code).toBe(2);
    expect((await cli('audit', 'list', '--limit', 'many')).code).toBe(2);
    vi.spyOn(authCliIo, 'readStdin').mockResolvedValue('short\n');
    expect((await cli('user', 'add', 'carol', '--role', 'viewer', '--password-stdin')).code).toBe(2);
    const [row] = await db.sql`select count(*)::int as n from console.users where username = 'carol'`;
    expect(row!.n).toBe(0);
  });

  it('need the audit key in external mode before changing anything', async () => {
    delete process.env.STRATA_AUDIT_KEY;
    const result = await cli('user', 'add', 'dave', '--role', 'viewer');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/STRATA_AUDIT_KEY/);
    expect(await db.sql`select 1 from console.users where username = 'dave'`).toHaveLength(0);
  });
});

describe('strata user add as a real process', () => {
  it('reads --password-stdin from a pipe and exits promptly (the console pool is closed)', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/main.ts'), 'user', 'add', 'piper', '--role', 'viewer', '--password-stdin'], {
      cwd: root,
      env: { ...process.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end('a password from a pipe\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toBe('Created user piper (viewer).\n');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(await signIn(db.sql, { username: 'piper', password: 'a password from a pipe', ip: 'pipe' })).toMatchObject({ ok: true });
  });
});

describe('strata audit verify', () => {
  it('exits 0 on an intact trail and 1 naming the first tampered entry', async () => {
    const scratch = await createScratchDatabase('authcliv');
    try {
      process.env.STRATA_CONSOLE_DATABASE_URL = scratch.url;
      await ensureConsoleSchema(scratch.sql);
      expect((await cli('audit', 'verify')).stdout).toMatch(/intact: 0 entries/);
      for (const name of ['eve', 'fay', 'gus']) expect((await cli('user', 'add', name, '--role', 'viewer')).code).toBe(0);
      const ok = await cli('audit', 'verify');
      expect(ok).toMatchObject({ code: 0 });
      expect(ok.stdout).toMatch(/Audit trail intact: 6 entries/);

      await scratch.sql`alter table console.audit_log disable trigger audit_log_append_only`;
      await scratch.sql`update console.audit_log set detail = 'role admin' where id = 2`;
      await scratch.sql`alter table console.audit_log enable trigger audit_log_append_only`;
      const broken = await cli('audit', 'verify');
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/entry 2: hash does not match its contents/);
      const json = JSON.parse((await cli('audit', 'verify', '--json')).stdout);
      expect(json).toMatchObject({ ok: false, entries: 2, firstBroken: { id: 2, reason: 'hash does not match its contents' } });

      // Another key cannot vouch for it either.
      process.env.STRATA_AUDIT_KEY = 'some-other-key-entirely';
      expect((await cli('audit', 'verify')).code).toBe(1);
    } finally {
      await scratch.drop();
    }
  });
});
