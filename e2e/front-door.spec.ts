import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { databaseState } from './support/database-state';
import { embeddedSql } from './support/embedded-sql';
import { CHANGING_ENDPOINTS } from './support/mutating-endpoints';
import { CONSOLE_ORIGIN, cookieOf, passwordSignIn, rawRequest } from './support/raw-http';
import { USERS } from './support/users';

/**
 * Attacks on the front door, performed for real against the running console: cross-site
 * writes with an admin's cookie, bodies that are not JSON or too large, pages framed or
 * injected, and sign-in throttling evaded or turned against someone else with a forged
 * X-Forwarded-For. Each asserts the refusal AND that nothing changed (the databases are
 * compared before and after). Plain-HTTP requests come from distinct loopback addresses
 * (e2e/support/raw-http.ts); the browser stays on 127.0.0.1, which no test here throttles.
 */
test.describe.configure({ mode: 'serial' });

const admin = () => cookieOf('admin');
const password = (username: string) => USERS.find((u) => u.username === username)!.password;

async function roleOf(username: string): Promise<string> {
  const sql = embeddedSql('strata_console');
  try {
    return String((await sql`select role from console.users where username = ${username}`)[0]!.role);
  } finally {
    await sql.end();
  }
}

async function auditRows(where: { action?: string; actor?: string; detailLike: string }): Promise<Array<{ outcome: string; detail: string }>> {
  const sql = embeddedSql('strata_console');
  try {
    const rows = await sql`
      select outcome, detail from console.audit_log
      where action = coalesce(${where.action ?? null}::text, action) and actor = coalesce(${where.actor ?? null}::text, actor) and detail like ${where.detailLike}
      order by id`;
    return rows.map((r) => ({ outcome: String(r.outcome), detail: String(r.detail) }));
  } finally {
    await sql.end();
  }
}

test.describe('cross-site writes', () => {
  test("the issue's attack: an admin's cookie, text/plain from https://evil.example, promoting vera — refused, vera unchanged, audited", async () => {
    const before = await databaseState();
    const answer = await rawRequest({
      method: 'POST',
      path: '/api/users/vera',
      from: '127.0.0.11',
      headers: { cookie: admin(), 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: '{"role":"admin"}',
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'CROSS_SITE' });
    expect(await roleOf('vera')).toBe('viewer');
    expect(await databaseState()).toEqual(before);
    const audited = await auditRows({ action: 'POST /api/users/vera', detailLike: '%https://evil.example%from 127.0.0.11%' });
    expect(audited.map((r) => r.outcome)).toEqual(['denied']);
  });

  test('every changing door refuses a cross-site request with an admin cookie and a valid JSON body, and nothing changes', async () => {
    const before = await databaseState();
    const attacks: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: CONSOLE_ORIGIN, 'sec-fetch-site': 'same-site' }];
    for (const endpoint of CHANGING_ENDPOINTS) {
      for (const attack of attacks) {
        const answer = await rawRequest({
          method: endpoint.method,
          path: endpoint.path,
          from: '127.0.0.12',
          headers: { cookie: admin(), 'content-type': 'application/json', ...attack },
          body: JSON.stringify(endpoint.body),
        });
        expect(answer.status, `${endpoint.method} ${endpoint.path} ${JSON.stringify(attack)}`).toBe(403);
        expect(JSON.parse(answer.text).code).toBe('CROSS_SITE');
      }
    }
    // The authentication doors too: a cross-site sign-in with the right password, the sign-in server action, sign-out.
    const csrf = await rawRequest({ path: '/api/auth/csrf', from: '127.0.0.12' });
    const form = new URLSearchParams({ csrfToken: JSON.parse(csrf.text).csrfToken, username: 'admin', password: password('admin') }).toString();
    for (const [path, body, type] of [
      ['/api/auth/callback/credentials', form, 'application/x-www-form-urlencoded'],
      ['/api/auth/signout', form, 'application/x-www-form-urlencoded'],
      ['/sign-in', 'username=admin', 'multipart/form-data; boundary=x'],
    ] as const) {
      const answer = await rawRequest({ method: 'POST', path, from: '127.0.0.12', headers: { cookie: admin(), 'content-type': type, origin: 'https://evil.example', 'next-action': 'x' }, body });
      expect(answer.status, path).toBe(403);
      expect(answer.headers['set-cookie'], path).toBeUndefined();
    }
    expect(await databaseState()).toEqual(before);
    expect((await auditRows({ detailLike: 'Cross-site request refused%from 127.0.0.12%' })).length).toBeGreaterThan(0);
  });

  test('a JSON door refuses a body that is not JSON (415), even from the console itself, and nothing changes', async () => {
    const before = await databaseState();
    // Doors that take a body. A DELETE takes none, and no form can send one (forms GET and POST only).
    for (const endpoint of CHANGING_ENDPOINTS.filter((e) => e.body !== undefined)) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const answer = await rawRequest({ method: endpoint.method, path: endpoint.path, from: '127.0.0.13', headers: { cookie: admin(), 'content-type': type, origin: CONSOLE_ORIGIN, 'sec-fetch-site': 'same-origin' }, body: JSON.stringify(endpoint.body) });
        expect(answer.status, `${endpoint.method} ${endpoint.path} as ${type}`).toBe(415);
        expect(JSON.parse(answer.text).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    }
    expect(await roleOf('vera')).toBe('viewer');
    expect(await databaseState()).toEqual(before);
  });

  test('a body over 64 KiB is refused (413) with and without Content-Length, and nothing changes', async () => {
    const before = await databaseState();
    const headers = { cookie: admin(), 'content-type': 'application/json' };
    // Declared: the front door answers on the headers alone, before anything reads the body.
    const declared = await rawRequest({ method: 'POST', path: '/api/users/vera', from: '127.0.0.14', headers, declaredLength: 65_537 });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).code).toBe('PAYLOAD_TOO_LARGE');
    // …and closes the connection rather than read what follows.
    expect(declared.headers.connection).toBe('close');
    // On any path: a page (where a server action would read its body) is no exception.
    const page = await rawRequest({ method: 'POST', path: '/sign-in', from: '127.0.0.14', headers: { 'content-type': 'multipart/form-data; boundary=x' }, declaredLength: 65_537 });
    expect(page.status).toBe(413);
    // Chunked, no Content-Length: counted as it streams (app/read-json.ts).
    const pad = 'x'.repeat(40_000);
    const chunked = await rawRequest({ method: 'POST', path: '/api/users/vera', from: '127.0.0.14', headers, body: ['{"role":"admin","pad":"', pad, pad, '"}'] });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).code).toBe('PAYLOAD_TOO_LARGE');
    // next-auth reads its own bodies: limited the same way.
    const signIn = await rawRequest({ method: 'POST', path: '/api/auth/callback/credentials', from: '127.0.0.14', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: ['username=admin&password=', pad, pad] });
    expect(signIn.status).toBe(413);
    // The sign-in form's server action, posted as the form does without JavaScript but with no
    // Content-Length: Next's own limit (64 kB, next.config.js) refuses it before it runs.
    const form = await rawRequest({ path: '/sign-in', from: '127.0.0.14' });
    const action = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(form.text)![1]!;
    const part = (name: string, value: string) => `--XB\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const oversized = await rawRequest({
      method: 'POST',
      path: '/sign-in',
      from: '127.0.0.14',
      headers: { 'content-type': 'multipart/form-data; boundary=XB' },
      body: [part(action, ''), part('username', 'oversized-action'), part('password', pad + pad), '--XB--\r\n'],
    });
    expect(oversized.status).toBeGreaterThanOrEqual(400);
    const consoleDb = embeddedSql('strata_console');
    try {
      expect((await consoleDb`select count(*)::int as n from console.sign_in_attempts where username = 'oversized-action'`)[0]!.n).toBe(0);
    } finally {
      await consoleDb.end();
    }
    expect(await roleOf('vera')).toBe('viewer');
    expect(await databaseState()).toEqual(before);
  });
});

test.describe('pages', () => {
  /** Collects the CSP violations a page reports, and the security headers of every document it loads. */
  async function watch(page: Page): Promise<{ violations: string[]; documents: Array<Record<string, string>> }> {
    const seen = { violations: [] as string[], documents: [] as Array<Record<string, string>> };
    await page.exposeFunction('reportViolation', (line: string) => seen.violations.push(line));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(line: string): void }).reportViolation(`${e.violatedDirective} blocked ${e.blockedURI} in ${e.sourceFile}:${e.lineNumber}`),
      ),
    );
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) seen.violations.push(message.text());
    });
    page.on('response', (response) => {
      if (response.request().resourceType() === 'document') seen.documents.push({ url: response.url(), ...response.headers() });
    });
    return seen;
  }

  function expectSecurityHeaders(documents: Array<Record<string, string>>): void {
    for (const headers of documents) {
      expect(headers['content-security-policy'], headers.url).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
      expect(headers['content-security-policy'], headers.url).toContain("frame-ancestors 'none'");
      expect(headers['x-frame-options'], headers.url).toBe('DENY');
      expect(headers['x-content-type-options'], headers.url).toBe('nosniff');
      expect(headers['referrer-policy'], headers.url).toBe('same-origin');
    }
  }

  /** Every script tag the server rendered into the page carries the nonce of the policy it was served with. */
  async function expectNoncedScripts(page: Page): Promise<void> {
    const response = (await page.reload())!;
    const nonce = /'nonce-([^']+)'/.exec((await response.allHeaders())['content-security-policy'] ?? '')?.[1];
    expect(nonce).toBeTruthy();
    const tags = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
  }

  test('home, an environment, the ERD with a PNG export: security headers, nonced scripts, no CSP violation', async ({ page }) => {
    test.setTimeout(120_000);
    const seen = await watch(page);
    await page.goto('/');
    await expect(page.getByTestId('signed-in-as')).toContainText('admin');
    await expectNoncedScripts(page);
    await page.goto('/environments/local');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('local');
    await page.goto('/environments/local/erd');
    await expect(page.locator('.react-flow__node').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 30_000 });
    // The whole diagram's layout comes from the server; a focus view runs elkjs in a web worker:
    // its nodes appear only if the policy lets the worker run.
    const search = page.getByRole('combobox', { name: 'Search tables and columns' });
    await search.fill('dataservice.ds_uploads');
    await expect(page.getByRole('option').first()).toContainText('dataservice.ds_uploads');
    await search.press('Enter');
    await page.getByRole('button', { name: 'Focus: 1 hop' }).click();
    await expect(page.getByTestId('focus-summary')).toContainText('2 tables');
    await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.locator('.react-flow__node-table')).toHaveCount(2);
    await expect(page.getByText('The automatic layout failed')).toHaveCount(0);
    await page.getByTestId('export-menu').click();
    const [image] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG image' }).click()]);
    expect(fs.readFileSync((await image.path())!).subarray(1, 4).toString()).toBe('PNG');
    expect(seen.documents.length).toBeGreaterThanOrEqual(4);
    expectSecurityHeaders(seen.documents);
    expect(seen.violations).toEqual([]);

    // Markup injected the way an XSS would (an inline handler) does not run, and the watch sees the violation.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="/no-such-image.png" onerror="window.injected = true">'));
    await expect.poll(() => seen.violations.length).toBeGreaterThan(0);
    expect(seen.violations.join('\n')).toContain('script-src');
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  });

  test('the sign-in page works under the policy: signing in through its form', async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    const seen = await watch(page);
    await page.goto('/sign-in');
    await expectNoncedScripts(page);
    await page.getByLabel('User name').fill('devon');
    await page.getByLabel('Password').fill(password('devon'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('signed-in-as')).toContainText('devon · developer');
    expectSecurityHeaders(seen.documents);
    expect(seen.violations).toEqual([]);
    await context.close();
  });

  test('no page can be framed by another site', async ({ page }) => {
    // Another origin on this machine (a page of its own, no policy) frames the sign-in form.
    const site = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<iframe src="${CONSOLE_ORIGIN}/sign-in" width="600" height="400"></iframe>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      // goto waits for the load event, the frame's included.
      await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
      const frame = page.frames().find((f) => f !== page.mainFrame())!;
      expect(await frame.locator('input[name="username"]').count()).toBe(0);
    } finally {
      site.close();
    }
  });
});

test.describe('sign-in throttling', () => {
  test('8 wrong passwords for admin from one address, each with a different X-Forwarded-For: throttled from the 6th', async () => {
    const codes: Array<string | null> = [];
    for (let i = 1; i <= 8; i++) {
      const attempt = await passwordSignIn({ from: '127.0.0.4', username: 'admin', password: `wrong-password-${i}`, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
      expect(attempt.signedIn).toBe(false);
      codes.push(attempt.code);
    }
    expect(codes).toEqual([...Array(5).fill('invalid'), 'throttled', 'throttled', 'throttled']);
    const audited = await auditRows({ action: 'sign-in', actor: 'admin', detailLike: '%from 127.0.0.4' });
    expect(audited.map((r) => `${r.outcome} ${r.detail.split(' ')[0]}`)).toEqual([...Array(5).fill('denied invalid'), ...Array(3).fill('denied throttled')]);
    expect(await auditRows({ action: 'sign-in', detailLike: '%198.51.100.%' })).toEqual([]);
  });

  test("5 wrong tries from 127.0.0.5 carrying X-Forwarded-For: 127.0.0.9 do not stop the right password from 127.0.0.9", async () => {
    for (let i = 1; i <= 5; i++) {
      expect(await passwordSignIn({ from: '127.0.0.5', username: 'admin', password: `wrong-password-${i}`, headers: { 'x-forwarded-for': '127.0.0.9' } })).toEqual({ signedIn: false, code: 'invalid' });
    }
    expect(await passwordSignIn({ from: '127.0.0.9', username: 'admin', password: password('admin') })).toEqual({ signedIn: true, code: null });
    // The guesser's own address is the one that waits.
    expect(await passwordSignIn({ from: '127.0.0.5', username: 'admin', password: password('admin') })).toEqual({ signedIn: false, code: 'throttled' });
  });
});
