import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Browser } from '@playwright/test';
import { databaseState } from './support/database-state';
import { embeddedSql } from './support/embedded-sql';
import { AUTHENTICATION_DOORS, CHANGING_ENDPOINTS, MUTATING_ENDPOINTS, SERVER_ACTION_DOORS } from './support/mutating-endpoints';
import { actionsIn, callServerAction, callServerActionFrom } from './support/server-actions';
import { lastLine } from './support/plan';
import { browseFrom, cookieOf, CONSOLE_ORIGIN, rawRequest } from './support/raw-http';
import { storageFor, USERS } from './support/users';
import { exportedMethods, isRouteFile, sourceFiles } from '../test/support/route-files';

/**
 * Sign-in and roles, enforced on the server: every door that changes something is refused
 * signed out (401) and for every role without the right (403), and nothing changes — the
 * databases are compared, not just the status codes. The list of doors is checked against
 * the code, so a new route or server action without an entry makes this fail.
 */
test.describe.configure({ mode: 'serial' });

async function contextAs(browser: Browser, username: string | null): Promise<APIRequestContext> {
  const context = await browser.newContext(username ? { storageState: storageFor(username) } : { storageState: { cookies: [], origins: [] } });
  return context.request;
}

test('the door discovery finds every way to export a method or a server action', () => {
  expect(exportedMethods('export async function POST(r) {}').sort()).toEqual(['POST']);
  expect(exportedMethods('export function PUT(r) {}\nexport const DELETE = async () => {}').sort()).toEqual(['DELETE', 'PUT']);
  expect(exportedMethods("export const { GET, POST } = handlers;").sort()).toEqual(['GET', 'POST']);
  expect(exportedMethods("export { handler as PATCH };\nexport { POST } from './other';").sort()).toEqual(['PATCH', 'POST']);
  expect(exportedMethods("export * from './somewhere';")).toEqual(['*']);
});

test('every route handler and server action that changes something is in the list of guarded doors', () => {
  const listed = new Set([
    ...MUTATING_ENDPOINTS.map((e) => `${e.file} ${e.method}`),
    ...AUTHENTICATION_DOORS.map((d) => `${d.file} *`),
    ...SERVER_ACTION_DOORS.map((d) => `${d.file} *`),
  ]);
  const found: string[] = [];
  for (const file of sourceFiles('.')) {
    const relative = path.relative('.', file);
    const text = fs.readFileSync(file, 'utf8');
    if (isRouteFile(relative)) {
      for (const method of exportedMethods(text)) if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) found.push(`${relative} ${method === '*' ? '*' : method}`);
    }
    // A 'use server' directive anywhere — a file of actions, or one inline in a component — is a door.
    if (/^\s*['"]use server['"]/m.test(text) && !relative.startsWith('e2e/')) found.push(`${relative} *`);
  }
  expect(found.length).toBeGreaterThan(5);
  const missing = found.filter((f) => !listed.has(f) && !listed.has(`${f.split(' ')[0]} *`));
  expect(missing, 'add these to e2e/support/mutating-endpoints.ts with a request and the roles allowed').toEqual([]);
  // Every action the build exports from a listed file of actions is attacked by name.
  for (const file of new Set(SERVER_ACTION_DOORS.map((d) => d.file))) {
    expect(actionsIn(file), file).toEqual([...new Set(SERVER_ACTION_DOORS.filter((d) => d.file === file).map((d) => d.name))].sort());
  }
});

test('signed out: pages go to the sign-in page and every changing door answers 401, changing nothing', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  for (const url of ['/', '/environments/staging', '/environments/staging/erd', '/approvals', '/audit', '/fleets/tenants', '/fleets/tenants/targets/strata_tenant_001/erd']) {
    await page.goto(url);
    await expect(page).toHaveURL(/\/sign-in/);
  }
  const before = await databaseState();
  for (const endpoint of MUTATING_ENDPOINTS) {
    const response = await context.request.fetch(endpoint.path, { method: endpoint.method, data: endpoint.body as object | undefined });
    expect(response.status(), `${endpoint.method} ${endpoint.path}`).toBe(401);
  }
  for (const url of ['/api/environments/staging/schema', '/api/environments/staging/schema/clusters', '/api/environments/staging/schema/layout', '/api/environments/staging/drift', '/api/operations/1', '/api/environments/staging/views', '/api/environments/staging/views/1', '/api/fleets/tenants', '/api/fleets/tenants/targets/strata_tenant_001', '/api/fleets/tenants/targets/strata_tenant_001/schema']) {
    expect((await context.request.get(url)).status(), url).toBe(401);
  }
  // From an address of their own: refusals are audited at most 20 a minute per caller and address.
  for (const action of SERVER_ACTION_DOORS) {
    const answer = await callServerActionFrom('127.0.0.9', action.page, action.file, action.name, action.args);
    expect(answer.text, `${action.name} ${JSON.stringify(action.args)}`).toMatch(/"code":"UNAUTHENTICATED"/);
  }
  expect(await databaseState()).toEqual(before);
  // Each refused change was recorded, with the address it came from.
  const consoleDb = embeddedSql('strata_console');
  try {
    const denied = await consoleDb`select action, detail from console.audit_log where actor = '(anonymous)' and outcome = 'denied' order by id desc limit 200`;
    for (const endpoint of CHANGING_ENDPOINTS) {
      expect(denied.some((d) => d.action === `${endpoint.method} ${endpoint.path}` && /UNAUTHENTICATED/.test(String(d.detail))), endpoint.path).toBe(true);
    }
    for (const what of ['action start operation', 'action rehearse', 'action seed', 'action execute request', 'action resolve change set', 'action skip change set', 'action unskip change set', 'action request fix', 'action restore backup']) {
      expect(denied.some((d) => d.action === what && /UNAUTHENTICATED/.test(String(d.detail))), `${what} in ${JSON.stringify(denied.map((d) => [d.action, String(d.detail).slice(0, 60)]))}`).toBe(true);
    }
  } finally {
    await consoleDb.end();
  }
  await context.close();
});

test('every role without the right gets 403 from every changing door, and nothing changes', async ({ browser }) => {
  const before = await databaseState();
  for (const endpoint of MUTATING_ENDPOINTS) {
    for (const user of USERS.filter((u) => !endpoint.allowed.includes(u.role))) {
      const request = await contextAs(browser, user.username);
      const response = await request.fetch(endpoint.path, { method: endpoint.method, data: endpoint.body as object | undefined });
      expect(response.status(), `${user.role} ${endpoint.method} ${endpoint.path}`).toBe(403);
      expect((await response.json()).code).toBe('FORBIDDEN');
    }
  }
  // The same doors reached as server actions, posted by hand with no button on the page.
  for (const action of SERVER_ACTION_DOORS) {
    for (const user of USERS.filter((u) => !action.allowed.includes(u.role))) {
      const answer = await callServerAction(await contextAs(browser, user.username), action.page, action.file, action.name, action.args);
      expect(answer.text, `${user.role} ${action.name} ${JSON.stringify(action.args)}`).toMatch(/"code":"FORBIDDEN"/);
    }
  }
  expect(await databaseState()).toEqual(before);
});

test('seed one table: a table name that is not schema.table is 400 at every door, an unknown one 404, an unconfirmed reset 400 — nothing changes', async ({ browser }) => {
  const devon = await contextAs(browser, 'devon');
  const before = await databaseState();
  const attacks = ["platform.users; drop table platform.users", 'platform.users"; truncate platform.organizations; --', "platform.users' or '1'='1", 'users', 'a.b.c', '../platform.users', 'platform.users\u0000', ' platform.users', `platform.${'x'.repeat(64)}`];
  for (const table of attacks) {
    const post = await devon.post('/api/environments/local/seed', { data: { reset: false, confirm: 'local', table } });
    expect(post.status(), table).toBe(400);
    expect(await post.json()).toMatchObject({ code: 'BAD_USAGE', message: expect.stringContaining('table') });
    const reset = await devon.post('/api/environments/local/seed', { data: { reset: true, confirm: 'local', table: 'platform.users', alsoEmpties: [table] } });
    expect(reset.status(), table).toBe(400);
    const preview = await devon.get(`/api/environments/local/seed/preview?table=${encodeURIComponent(table)}`);
    expect(preview.status(), table).toBe(400);
    expect((await preview.json()).code).toBe('BAD_USAGE');
    const action = await callServerAction(devon, '/environments/local', 'app/operation-actions.ts', 'startSeedAction', ['local', { reset: false, confirm: 'local', table }]);
    expect(action.text, table).toMatch(/"code":"BAD_USAGE"/);
  }
  // A reset of one table must name the cascade it agreed to; extra query parameters are refused too.
  const unconfirmed = await devon.post('/api/environments/local/seed', { data: { reset: true, confirm: 'local', table: 'platform.users' } });
  expect(unconfirmed.status()).toBe(400);
  expect((await unconfirmed.json()).message).toContain('alsoEmpties');
  expect((await devon.get('/api/environments/local/seed/preview?table=platform.users&x=1')).status()).toBe(400);
  expect((await devon.get('/api/environments/local/seed/preview')).status()).toBe(400);
  expect(await databaseState()).toEqual(before);

  // One table of guarded staging is refused like all of it, whatever the role — route, server action and preview.
  for (const username of ['devon', 'admin']) {
    const request = await contextAs(browser, username);
    const post = await request.post('/api/environments/staging/seed', { data: { reset: false, confirm: 'staging', table: 'platform.users' } });
    expect(post.status(), username).toBe(403);
    expect((await post.json()).message).toBe('staging is guarded: only open environments can be seeded');
    const action = await callServerAction(request, '/environments/staging/tables/platform.users', 'app/operation-actions.ts', 'startSeedAction', ['staging', { reset: false, confirm: 'staging', table: 'platform.users' }]);
    expect(action.text, username).toMatch(/"code":"FORBIDDEN"/);
  }
  // A viewer may not seed or reset one table of local either (signed out: 401, like every door).
  const vera = await contextAs(browser, 'vera');
  for (const body of [{ reset: false, confirm: 'local', table: 'platform.users' }, { reset: true, confirm: 'local', table: 'platform.users', alsoEmpties: ['platform.api_keys', 'platform.usage_events'] }]) {
    expect((await vera.post('/api/environments/local/seed', { data: body })).status()).toBe(403);
    expect((await callServerAction(vera, '/environments/local/tables/platform.users', 'app/operation-actions.ts', 'startSeedAction', ['local', body])).text).toMatch(/"code":"FORBIDDEN"/);
    const anonymous = await contextAs(browser, null);
    expect((await callServerAction(anonymous, '/environments/local/tables/platform.users', 'app/operation-actions.ts', 'startSeedAction', ['local', body])).text).toMatch(/"code":"UNAUTHENTICATED"/);
  }
  expect(await databaseState()).toEqual(before);

  // Well-formed but unknown: the preview says 404; unknown environments too.
  const unknown = await devon.get('/api/environments/local/seed/preview?table=platform.nope');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).message).toBe('local has no table platform.nope; nothing was changed');
  expect((await devon.get('/api/environments/nowhere/seed/preview?table=platform.users')).status()).toBe(404);
  const preview = await devon.get('/api/environments/local/seed/preview?table=platform.users');
  expect(preview.status()).toBe(200);
  expect(await preview.json()).toEqual({
    table: 'platform.users',
    seeds: ['platform.organizations', 'platform.users'],
    unseededParents: [],
    alsoEmpties: ['platform.api_keys', 'platform.usage_events'],
  });
  // A started seed of an unknown table, or a reset whose cascade is not the one confirmed, ends refused with nothing changed.
  const dataBefore = ((await databaseState()) as Record<string, unknown>).strata_local;
  for (const [body, code] of [
    [{ reset: false, confirm: 'local', table: 'platform.nope' }, 'NOT_FOUND'],
    [{ reset: true, confirm: 'local', table: 'platform.users', alsoEmpties: ['platform.api_keys'] }, 'CONFIRMATION_REQUIRED'],
  ] as const) {
    const answer = await (await devon.post('/api/environments/local/seed', { data: body })).text();
    const last = JSON.parse(answer.trim().split('\n').at(-1)!);
    expect(last, answer).toMatchObject({ type: 'error', code });
  }
  expect(((await databaseState()) as Record<string, unknown>).strata_local).toEqual(dataBefore);
});

test('rehearsals: bad samples, unknown environments and other sites are refused at every door; two at once both run; the targets are unchanged', async ({ browser }) => {
  test.setTimeout(180_000);
  const devon = await contextAs(browser, 'devon');
  const before = await databaseState();
  const targets = (state: Record<string, unknown>) => [state.strata_local, state.strata_staging, state.strata_production];
  // Bad input: 400 naming the problem, from the route and the server action alike; nothing starts.
  const operationsBefore = await operationCount();
  for (const body of [{ sample: 0 }, { sample: 1.5 }, { sample: -0.1 }, { sample: '10%' }, { sample: null }, { to: "0015'; drop table x; --" }, { to: '0015_risk_v1', extra: 1 }] as object[]) {
    const answer = await devon.post('/api/environments/staging/rehearsals', { data: body });
    expect(answer.status(), JSON.stringify(body)).toBe(400);
    expect(await answer.json(), JSON.stringify(body)).toMatchObject({ code: 'BAD_USAGE', message: expect.stringMatching(/sample|to|extra/) });
    const action = await callServerAction(devon, '/environments/staging', 'app/operation-actions.ts', 'startRehearsalAction', ['staging', body]);
    expect(action.text, JSON.stringify(body)).toMatch(/"code":"BAD_USAGE"/);
  }
  expect((await (await devon.post('/api/environments/staging/rehearsals', { data: { sample: 2 } })).json()).message).toBe('Invalid request: sample: sample is a fraction of each table’s rows: at most 1 (all rows)');
  // An unknown environment: 404, whoever asks.
  const nowhere = await devon.post('/api/environments/nowhere/rehearsals', { data: {} });
  expect(nowhere.status()).toBe(404);
  expect((await nowhere.json()).code).toBe('UNKNOWN_ENVIRONMENT');
  expect((await callServerAction(devon, '/environments/staging', 'app/operation-actions.ts', 'startRehearsalAction', ['nowhere', {}])).text).toMatch(/"code":"UNKNOWN_ENVIRONMENT"/);
  // Another site, in devon's signed-in browser: refused at the front door.
  const cookie = cookieOf('devon');
  for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
    const post = await rawRequest({ method: 'POST', path: '/api/environments/staging/rehearsals', from: '127.0.0.22', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"sample":0.1}' });
    expect(post.status).toBe(403);
    expect(JSON.parse(post.text).code).toBe('CROSS_SITE');
  }
  // A developer may not rehearse protected production (its rows are copied); a viewer nowhere.
  expect((await (await devon.post('/api/environments/production/rehearsals', { data: {} })).json()).message).toBe('developer may not rehearse change sets on a scratch copy on a protected environment; it needs operator');
  expect(await operationCount()).toBe(operationsBefore);
  expect(await databaseState()).toEqual(before);

  // Two at once on staging: each its own scratch copy, both finish with a report; staging only read.
  const [first, second] = await Promise.all([devon.post('/api/environments/staging/rehearsals', { data: { sample: 0.01 } }), devon.post('/api/environments/staging/rehearsals', { data: { sample: 0.01 } })]);
  const [a, b] = [await lastLine(first), await lastLine(second)];
  expect([a.type, b.type], JSON.stringify([a, b])).toEqual(['result', 'result']);
  expect([a.result.scratchDropped, b.result.scratchDropped]).toEqual([true, true]);
  expect(a.result.changeSets.map((c: { tag: string }) => c.tag)).toEqual(['0015_risk_v1', '0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes', '0019_platform_usage_events_total_tokens']);
  expect(targets(await databaseState())).toEqual(targets(before));
  const health = await (await devon.get('/api/health')).json();
  expect(health.environments.find((e: { name: string }) => e.name === 'staging')).toMatchObject({ pending: 5 });
  // Both were audited, started and ended.
  const consoleDb = embeddedSql('strata_console');
  try {
    const rows = await consoleDb`select outcome from console.audit_log where action = 'rehearse' and actor = 'devon' and environment = 'staging' order by id desc limit 4`;
    expect(rows.map((r) => r.outcome).sort()).toEqual(['ok', 'ok', 'started', 'started']);
  } finally {
    await consoleDb.end();
  }
});

async function operationCount(): Promise<number> {
  const consoleDb = embeddedSql('strata_console');
  try {
    return (await consoleDb`select count(*)::int as n from console.operations`)[0]!.n;
  } finally {
    await consoleDb.end();
  }
}

test('named ERD views: anyone signed in saves; only the author changes, the author or an admin deletes; bad input, other sites and other environments change nothing', async ({ browser }) => {
  const [vera, devon, olivia, admin] = await Promise.all(['vera', 'devon', 'olivia', 'admin'].map((u) => contextAs(browser, u)));
  const views = '/api/environments/staging/views';
  const stored = async () => ((await databaseState()) as { views: Array<{ id: number }> }).views;

  // A viewer saves a view: the state is stored in its canonical form.
  const created = await vera.post(views, { data: { name: 'Vera: users and keys', state: 'open=c:b&open=c:a&focus=platform.users&hops=1&view=9', positions: { 'platform.users': { x: 10, y: 20 } } } });
  expect(created.status()).toBe(201);
  const view = await created.json();
  expect(view).toMatchObject({ environment: 'staging', name: 'Vera: users and keys', state: 'focus=platform.users&open=c%3Aa&open=c%3Ab', createdBy: 'vera', positions: { 'platform.users': { x: 10, y: 20 } } });
  expect(created.headers().location).toBe(`${views}/${view.id}`);
  expect(await (await devon.get(`${views}/${view.id}`)).json()).toEqual(view);
  const listed = (await (await devon.get(views)).json()).views.find((v: { id: number }) => v.id === view.id);
  expect(listed).toMatchObject({ name: view.name, createdBy: 'vera', positioned: 1, mayChange: false, mayDelete: false });
  expect(listed).not.toHaveProperty('positions');
  expect((await (await admin.get(views)).json()).views.find((v: { id: number }) => v.id === view.id)).toMatchObject({ mayChange: false, mayDelete: true });

  const before = await databaseState();
  // Someone else's view: a developer, an operator and an admin may not rename or change it; only an admin may delete it.
  for (const [who, request] of [['devon', devon], ['olivia', olivia], ['admin', admin]] as const) {
    const rename = await request.post(`${views}/${view.id}`, { data: { name: `${who} took it` } });
    expect(rename.status(), who).toBe(403);
    expect(await rename.json()).toEqual({ code: 'FORBIDDEN', message: "“Vera: users and keys” is vera's view: only its author may change it" });
    expect((await request.post(`${views}/${view.id}`, { data: { positions: {} } })).status(), who).toBe(403);
  }
  for (const [who, request] of [['devon', devon], ['olivia', olivia]] as const) {
    const remove = await request.delete(`${views}/${view.id}`);
    expect(remove.status(), who).toBe(403);
    expect((await remove.json()).message).toBe("“Vera: users and keys” is vera's view: only its author or an admin may delete it");
  }
  // Another environment's id, and ids that are not ids, are not found there.
  for (const path of [`/api/environments/production/views/${view.id}`, `${views}/${view.id}%20or%201=1`, `${views}/0${view.id}`, `${views}/-1`]) {
    expect((await vera.get(path)).status(), path).toBe(404);
    expect((await vera.delete(path)).status(), path).toBe(404);
    expect((await vera.post(path, { data: { name: 'moved' } })).status(), path).toBe(404);
  }
  // An unknown environment: 404 for reading and saving, nothing stored.
  expect((await vera.get('/api/environments/nowhere/views')).status()).toBe(404);
  const nowhere = await vera.post('/api/environments/nowhere/views', { data: { name: 'lost', state: '' } });
  expect(nowhere.status()).toBe(404);
  expect((await nowhere.json()).code).toBe('UNKNOWN_ENVIRONMENT');
  // Bad input: the view-state problem verbatim, a bad name, a bad layout, another type, an oversized body.
  const refusals: Array<[unknown, number, RegExp]> = [
    [{ name: 'bad', state: 'hops=2' }, 400, /The view's state is not valid: “hops” needs “focus”/],
    [{ name: 'bad', state: 'focus=a.b&hops=7' }, 400, /The view's state is not valid: “hops”: Invalid option/],
    [{ name: 'bad', state: 'from=a.b' }, 400, /a path needs both “from” and “to”/],
    [{ name: 'bad', state: 'keys=1&keys=0' }, 400, /“keys” is given 2 times/],
    [{ name: '', state: '' }, 400, /name/],
    [{ name: 'x'.repeat(81), state: '' }, 400, /at most 80 characters/],
    [{ name: 'bad', state: '', positions: { 'a.b': { x: 'left', y: 0 } } }, 400, /positions/],
    [{ name: 'bad', state: '', positions: ['a.b'] }, 400, /positions/],
    [{ name: 'bad', state: '', extra: 1 }, 400, /extra/],
  ];
  for (const [body, status, message] of refusals) {
    const answer = await vera.post(views, { data: body as object });
    expect(answer.status(), JSON.stringify(body)).toBe(status);
    expect((await answer.json()).message, JSON.stringify(body)).toMatch(message);
  }
  const cookie = cookieOf('vera');
  // JSON's 1e400 is Infinity: not a place on the screen.
  const infinite = await rawRequest({ method: 'POST', path: views, headers: { cookie, 'content-type': 'application/json' }, body: '{"name":"far","state":"","positions":{"a.b":{"x":1e400,"y":0}}}' });
  expect(infinite.status, infinite.text).toBe(400);
  const form = await rawRequest({ method: 'POST', path: views, headers: { cookie, 'content-type': 'text/plain' }, body: JSON.stringify({ name: 'plain', state: '' }) });
  expect(form.status).toBe(415);
  const huge = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`platform.table_${i}`, { x: i, y: i }]));
  const oversized = await rawRequest({ method: 'POST', path: views, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'huge', state: '', positions: huge }) });
  expect(oversized.status).toBe(413);
  const chunked = await rawRequest({ method: 'POST', path: views, headers: { cookie, 'content-type': 'application/json' }, body: ['{"name":"chunked","state":"","positions":{', ...Array.from({ length: 4000 }, (_, i) => `"s.t${i}":{"x":1,"y":1},`), '"s.z":{"x":1,"y":1}}}'] });
  expect(chunked.status).toBe(413);
  // Another site, in vera's signed-in browser: refused at the front door.
  for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
    const post = await rawRequest({ method: 'POST', path: views, from: '127.0.0.21', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ name: 'from evil', state: '' }) });
    expect(post.status).toBe(403);
    expect(JSON.parse(post.text).code).toBe('CROSS_SITE');
    const remove = await rawRequest({ method: 'DELETE', path: `${views}/${view.id}`, from: '127.0.0.21', headers: { cookie, ...headers } });
    expect(remove.status).toBe(403);
  }
  expect(await databaseState()).toEqual(before);

  // Names that look like injections are kept and answered as text.
  const names = ["'); drop table console.erd_views; --", '<script>alert("x")</script>', '"><img src=x onerror=alert(1)>'];
  const odd: number[] = [];
  for (const name of names) {
    const answer = await devon.post(views, { data: { name, state: 'keys=1' } });
    expect(answer.status(), name).toBe(201);
    odd.push((await answer.json()).id);
  }
  const names2 = (await (await vera.get(views)).json()).views.map((v: { name: string }) => v.name);
  for (const name of names) expect(names2).toContain(name);

  // One name, two saves at once (and its other cases later): exactly one wins.
  const race = await Promise.all([vera.post(views, { data: { name: 'Race', state: '' } }), devon.post(views, { data: { name: 'race', state: 'keys=1' } })]);
  expect(race.map((r) => r.status()).sort()).toEqual([201, 409]);
  const lost = race.find((r) => r.status() === 409)!;
  expect((await lost.json())).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringMatching(/^staging already has a view named “(Race|race)”/) });
  const winner = await race.find((r) => r.status() === 201)!.json();
  expect((await olivia.post(views, { data: { name: 'RACE', state: '' } })).status()).toBe(409);

  // The author renames and moves; an admin deletes someone else's view; the author deletes their own.
  const renamed = await vera.post(`${views}/${view.id}`, { data: { name: 'Vera renamed', state: 'inferred=0' } });
  expect(renamed.status()).toBe(200);
  expect(await renamed.json()).toMatchObject({ name: 'Vera renamed', state: 'inferred=0', positions: { 'platform.users': { x: 10, y: 20 } } });
  expect((await vera.post(`${views}/${view.id}`, { data: { name: winner.name.toUpperCase() } })).status()).toBe(409);
  expect((await admin.delete(`${views}/${view.id}`)).status()).toBe(200);
  expect((await vera.get(`${views}/${view.id}`)).status()).toBe(404);
  for (const id of odd) expect((await devon.delete(`${views}/${id}`)).status()).toBe(200);
  expect((await (winner.createdBy === 'vera' ? vera : devon).delete(`${views}/${winner.id}`)).status()).toBe(200);
  const ours = new Set([view.id, winner.id, ...odd]);
  expect((await stored()).filter((v) => ours.has(v.id))).toEqual([]);
  // Every save, change and delete — and the refusals — are in the audit trail.
  const consoleDb = embeddedSql('strata_console');
  try {
    const rows = await consoleDb`select actor, action, outcome, target from console.audit_log where action like 'view-%' or action like '% /api/environments/staging/views%' order by id`;
    expect(rows.filter((r) => r.action === 'view-save' && r.outcome === 'ok').length).toBeGreaterThanOrEqual(5);
    // Refused before any intent is written (the audit count above did not move): one denied entry each.
    expect(rows.some((r) => r.action === `POST ${views}/${view.id}` && r.outcome === 'denied' && r.actor === 'devon')).toBe(true);
    expect(rows.some((r) => r.action === `DELETE ${views}/${view.id}` && r.outcome === 'denied' && r.actor === 'olivia')).toBe(true);
    expect(rows.some((r) => r.action === 'view-delete' && r.outcome === 'ok' && r.actor === 'admin' && r.target === `view ${view.id}: Vera renamed`)).toBe(true);
    expect(rows.some((r) => r.action === 'view-save' && r.outcome === 'failed' && r.actor !== 'olivia')).toBe(true);
  } finally {
    await consoleDb.end();
  }
});

test('each role sees exactly the actions it has', async ({ browser }) => {
  const expectations: Record<string, { staging: string[]; production: string[]; nav: string[] }> = {
    vera: { staging: [], production: [], nav: ['Environments', 'Approvals'] },
    devon: { staging: ['Dry-run: Apply 5 pending'], production: ['Dry-run: Apply 10 pending'], nav: ['Environments', 'Approvals'] },
    olivia: { staging: ['Apply 5 pending'], production: ['Request: Apply 10 pending'], nav: ['Environments', 'Approvals', 'Audit'] },
    admin: { staging: ['Apply 5 pending'], production: ['Request: Apply 10 pending'], nav: ['Environments', 'Approvals', 'Audit', 'Users'] },
  };
  for (const [username, want] of Object.entries(expectations)) {
    const context = await browser.newContext({ storageState: storageFor(username) });
    const page = await context.newPage();
    for (const env of ['staging', 'production'] as const) {
      await page.goto(`/environments/${env}`);
      const apply = page.getByTestId('operation-apply').first();
      if (want[env].length === 0) {
        await expect(page.getByTestId('environment-actions-none')).toBeVisible();
        await expect(page.getByTestId('operation-apply')).toHaveCount(0);
      } else {
        await expect(apply).toHaveText(want[env][0]!);
        await expect(apply).toBeEnabled();
      }
    }
    await expect(page.getByRole('navigation', { name: 'Console' }).getByRole('link')).toHaveText(want.nav);
    fs.mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: `test-results/screenshots/role-${username}-production.png`, fullPage: true });
    await context.close();
  }
});

test('production: request, a second admin approves, the requester executes — history and audit show both', async ({ browser }) => {
  const olivia = await browser.newContext({ storageState: storageFor('olivia') });
  const ada = await browser.newContext({ storageState: storageFor('ada') });
  const page = await olivia.newPage();
  await page.goto('/environments/production');
  await page.getByRole('button', { name: 'Request: Roll back last change set (0009_lifegraph_signals_links)' }).click();
  const dialog = page.getByTestId('operation-dialog');
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
  await dialog.getByTestId('request-reason').fill('signals table is wrong; redo it');
  await dialog.getByTestId('submit-request').click();
  await expect(dialog.getByTestId('request-created')).toBeVisible({ timeout: 30_000 });
  const id = Number((await dialog.getByTestId('request-created').innerText()).match(/#(\d+)/)![1]);

  // Olivia cannot approve (operator), nor can the admin who requested something themselves.
  expect((await olivia.request.post(`/api/requests/${id}/decision`, { data: { approve: true, comment: 'me' } })).status()).toBe(403);
  const executeEarly = await olivia.request.post(`/api/requests/${id}/execute`, { data: { confirm: 'production' } });
  expect((await executeEarly.json()).code).toBe('INVALID_STATE');

  const review = await ada.newPage();
  await review.goto('/approvals');
  const card = review.locator(`[data-testid="request"][data-id="${id}"]`);
  await expect(card).toHaveAttribute('data-status', 'pending');
  await card.getByTestId('decision-comment').fill('checked the dry run');
  await card.getByTestId('approve-request').click();
  await expect(card).toHaveAttribute('data-status', 'approved');
  await review.screenshot({ path: 'test-results/screenshots/approvals.png', fullPage: true });

  await page.goto('/approvals');
  const mine = page.locator(`[data-testid="request"][data-id="${id}"]`);
  await mine.getByTestId('execute-request').click();
  await mine.getByTestId('execute-confirm-name').fill('production');
  await mine.getByTestId('execute-confirm').click();
  await expect(page.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });

  // Once only.
  const again = await olivia.request.post(`/api/requests/${id}/execute`, { data: { confirm: 'production' } });
  expect((await again.json()).code).toBe('INVALID_STATE');

  await page.goto('/environments/production');
  const row = page.getByTestId('history-row').first();
  await expect(row).toContainText('olivia');
  await expect(row).toContainText(`request #${id} by olivia, approved by ada`);
  await page.goto('/audit');
  await expect(page.getByTestId('audit-chain')).toContainText('Chain intact');
  await expect(page.locator('[data-testid="audit-row"][data-action="approve"][data-actor="ada"][data-outcome="ok"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="audit-row"][data-action="rollback"][data-actor="olivia"]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/audit.png', fullPage: true });

  // Put production back where the first start left it, through the same two-person path.
  const redo = await olivia.request.post('/api/environments/production/requests', { data: { direction: 'apply', to: '0009_lifegraph_signals_links', reason: 'restore the demo' } });
  const created = JSON.parse((await redo.text()).trim().split('\n').at(-1)!);
  expect(created.type, JSON.stringify(created)).toBe('result');
  // A rejected request never runs.
  const rejected = await ada.request.post(`/api/requests/${created.result.id}/decision`, { data: { approve: false, comment: 'not today' } });
  expect(rejected.status()).toBe(200);
  expect((await (await olivia.request.post(`/api/requests/${created.result.id}/execute`, { data: { confirm: 'production' } })).json()).code).toBe('INVALID_STATE');
  const redo2 = JSON.parse((await (await olivia.request.post('/api/environments/production/requests', { data: { direction: 'apply', to: '0009_lifegraph_signals_links', reason: 'restore the demo' } })).text()).trim().split('\n').at(-1)!);
  expect((await ada.request.post(`/api/requests/${redo2.result.id}/decision`, { data: { approve: true, comment: 'ok' } })).status()).toBe(200);
  const run = await olivia.request.post(`/api/requests/${redo2.result.id}/execute`, { data: { confirm: 'production' } });
  expect(JSON.parse((await run.text()).trim().split('\n').at(-1)!).type).toBe('result');
  await olivia.close();
  await ada.close();
});

test('an admin cannot approve their own request', async ({ browser }) => {
  const ada = await browser.newContext({ storageState: storageFor('ada') });
  const created = JSON.parse(
    (await (await ada.request.post('/api/environments/production/requests', { data: { direction: 'apply', to: '0010_files_project_files_base', reason: 'mine' } })).text()).trim().split('\n').at(-1)!,
  );
  const own = await ada.request.post(`/api/requests/${created.result.id}/decision`, { data: { approve: true, comment: 'self' } });
  expect(own.status()).toBe(403);
  expect((await own.json()).message).toMatch(/cannot approve your own request/i);
  await ada.close();
});

test('repeated failed sign-ins from one address are slowed down, and audited', async ({ browser }) => {
  // This browser reaches the console from 127.0.0.8 (relayed by the test): the console knows
  // the address from the connection. The other journeys sign in from 127.0.0.1, never throttled.
  const address = '127.0.0.8';
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await browseFrom(context, address);
  const page = await context.newPage();
  for (let i = 0; i < 6; i++) {
    await page.goto('/sign-in');
    await page.getByLabel('User name').fill('vera');
    await page.getByLabel('Password').fill(i < 5 ? 'wrong-password-here' : 'e2e-vera-password-555');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toBeVisible();
  }
  await expect(page.getByTestId('sign-in-error')).toContainText('Too many failed sign-ins');
  await context.close();
  const consoleDb = embeddedSql('strata_console');
  try {
    const rows = await consoleDb`select outcome, detail from console.audit_log where action = 'sign-in' and actor = 'vera' and detail like ${`%from ${address}%`} order by id`;
    expect(rows.map((r) => `${r.outcome} ${String(r.detail).split(' ')[0]}`)).toEqual([...Array(5).fill('denied invalid'), 'denied throttled']);
  } finally {
    await consoleDb.end();
  }
});

test('no secret reaches a page, an API response or a log line', async ({ browser }) => {
  const credentials = JSON.parse(fs.readFileSync('.strata/e2e/credentials.json', 'utf8')) as Record<string, string>;
  const secrets = Object.values(credentials).filter((v) => typeof v === 'string' && v.length >= 12);
  secrets.push(...USERS.map((u) => u.password));
  expect(secrets.length).toBeGreaterThanOrEqual(USERS.length + 2);
  const context = await browser.newContext({ storageState: storageFor('admin') });
  const page = await context.newPage();
  const bodies: string[] = [];
  page.on('response', async (response) => {
    try {
      bodies.push(await response.text());
    } catch {
      // redirects and aborted requests have no body
    }
  });
  for (const url of ['/', '/environments/staging', '/environments/production', '/environments/staging/changesets/15', '/approvals', '/audit', '/users']) {
    await page.goto(url);
    bodies.push(await page.content());
  }
  for (const url of ['/api/health', '/api/metrics', '/api/environments/staging/schema', '/api/environments/staging/drift']) {
    bodies.push(await (await context.request.get(url)).text());
  }
  const log = fs.readFileSync('.strata/e2e-server.log', 'utf8');
  for (const secret of secrets) {
    for (const body of bodies) expect(body.includes(secret), 'a secret in a response').toBe(false);
    expect(log.includes(secret), 'a secret in the server log').toBe(false);
  }
  await context.close();
});
