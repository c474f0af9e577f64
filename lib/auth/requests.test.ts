import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../db/client';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { ensureConsoleSchema } from './console-db';
import { approvalRefusal, claimRequest, createRequest, decideRequest, finishRequest, getRequest, listRequests } from './requests';
import { createUser, setRole } from './users';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('requests');
  await ensureConsoleSchema(db.sql);
  // Admins who existed, with their role, before any request below was filed.
  for (const username of ['adam', 'eve']) await createUser(db.sql, { username, role: 'admin', password: null, createdBy: 'first start' });
});
afterAll(async () => {
  await db.drop();
});

const PLAN = [
  { tag: '0003_orders', checksum: 'a'.repeat(64) },
  { tag: '0004_index', checksum: 'b'.repeat(64) },
];

function request(overrides: Partial<Parameters<typeof createRequest>[1]> = {}) {
  return createRequest(db.sql, {
    environment: 'production',
    direction: 'apply',
    to: null,
    steps: null,
    plan: PLAN,
    dryRun: { risks: [{ level: 'high', message: 'rewrites orders' }] },
    requestedBy: 'olga',
    reason: 'ship orders v2',
    ...overrides,
  });
}

async function expire(id: number): Promise<void> {
  await db.sql`update console.change_requests set expires_at = now() - interval '1 minute' where id = ${id}`;
}

describe('change requests', () => {
  it('are created pending with their plan, dry run and a 24 h expiry', async () => {
    const r = await request();
    expect(r).toMatchObject({ environment: 'production', direction: 'apply', status: 'pending', plan: PLAN, requestedBy: 'olga', reason: 'ship orders v2', decidedBy: null, result: null });
    expect(r.dryRun).toEqual({ risks: [{ level: 'high', message: 'rewrites orders' }] });
    const hours = (Date.parse(r.expiresAt) - Date.parse(r.requestedAt)) / 3_600_000;
    expect(hours).toBeCloseTo(24, 3);
    expect(await getRequest(db.sql, r.id)).toEqual(r);
    expect(await getRequest(db.sql, 999_999)).toBeNull();
  });

  it('need a plan and a reason', async () => {
    await expect(request({ plan: [] })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(request({ reason: '  ' })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(request({ plan: [{ tag: 'x' } as never] })).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('cannot be approved by their requester', async () => {
    const r = await request();
    await expect(decideRequest(db.sql, r.id, { by: 'olga', approve: true, comment: '' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'You cannot approve your own request' });
    await expect(decideRequest(db.sql, r.id, { by: 'olga', approve: false, comment: 'nah' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await getRequest(db.sql, r.id))!.status).toBe('pending');
    await expect(decideRequest(db.sql, 999_999, { by: 'adam', approve: true, comment: '' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('need a comment to be rejected, and a rejected request is never run', async () => {
    const r = await request();
    await expect(decideRequest(db.sql, r.id, { by: 'adam', approve: false, comment: ' ' })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    const rejected = await decideRequest(db.sql, r.id, { by: 'adam', approve: false, comment: 'not during the sale' });
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'adam', decisionComment: 'not during the sale' });
    expect(rejected.decidedAt).not.toBeNull();
    await expect(claimRequest(db.sql, r.id, { by: 'olga', currentPlan: PLAN })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/rejected/) });
    await expect(decideRequest(db.sql, r.id, { by: 'eve', approve: true, comment: '' })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('are claimed once when approved, then finished', async () => {
    const r = await request();
    await expect(claimRequest(db.sql, r.id, { by: 'olga', currentPlan: PLAN })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/not approved/) });
    const approved = await decideRequest(db.sql, r.id, { by: 'adam', approve: true, comment: '' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'adam', decisionComment: null });

    // Two executors at once: exactly one wins.
    const wide = connect(db.url, { max: 4 });
    let claims: PromiseSettledResult<unknown>[];
    try {
      claims = await Promise.allSettled([claimRequest(wide, r.id, { by: 'olga', currentPlan: PLAN }), claimRequest(wide, r.id, { by: 'otto', currentPlan: PLAN })]);
    } finally {
      await wide.end();
    }
    expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
    const loser = claims.find((c) => c.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/already executing/) });
    const claimed = await getRequest(db.sql, r.id);
    expect(claimed).toMatchObject({ status: 'executing' });
    expect(claimed!.executedAt).not.toBeNull();

    const done = await finishRequest(db.sql, r.id, { status: 'executed', result: { records: [{ tag: '0003_orders', status: 'applied' }] } });
    expect(done).toMatchObject({ status: 'executed', result: { records: [{ tag: '0003_orders', status: 'applied' }] } });
    await expect(claimRequest(db.sql, r.id, { by: 'olga', currentPlan: PLAN })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/already executed/) });
    await expect(finishRequest(db.sql, r.id, { status: 'failed', result: null })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('fail for good when the plan changed since approval', async () => {
    const r = await request();
    await decideRequest(db.sql, r.id, { by: 'adam', approve: true, comment: 'ok' });
    const changed = [PLAN[0]!, { tag: '0004_index', checksum: 'c'.repeat(64) }];
    await expect(claimRequest(db.sql, r.id, { by: 'olga', currentPlan: changed })).rejects.toMatchObject({ code: 'PLAN_CHANGED', message: expect.stringMatching(/0004_index's file changed/) });
    const failed = await getRequest(db.sql, r.id);
    expect(failed).toMatchObject({ status: 'failed', executedBy: 'olga', result: { error: { code: 'PLAN_CHANGED' } } });
    // Even with the original plan back, it never runs.
    await expect(claimRequest(db.sql, r.id, { by: 'olga', currentPlan: PLAN })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/failed/) });

    const added = await request();
    await decideRequest(db.sql, added.id, { by: 'adam', approve: true, comment: '' });
    await expect(claimRequest(db.sql, added.id, { by: 'olga', currentPlan: [...PLAN, { tag: '0005_more', checksum: 'd'.repeat(64) }] })).rejects.toMatchObject({
      code: 'PLAN_CHANGED',
      message: expect.stringMatching(/0005_more was added/),
    });
  });

  it('expire: an expired request can be neither decided nor claimed, and is listed as expired', async () => {
    const pending = await request({ environment: 'expiry' });
    await expire(pending.id);
    await expect(decideRequest(db.sql, pending.id, { by: 'adam', approve: true, comment: '' })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/expired/) });

    const approved = await request({ environment: 'expiry' });
    await decideRequest(db.sql, approved.id, { by: 'adam', approve: true, comment: '' });
    await expire(approved.id);
    await expect(claimRequest(db.sql, approved.id, { by: 'olga', currentPlan: PLAN })).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/expired/) });

    const listed = await listRequests(db.sql, { environment: 'expiry' });
    expect(listed.map((r) => [r.id, r.status])).toEqual([
      [approved.id, 'expired'],
      [pending.id, 'expired'],
    ]);
    const [stored] = await db.sql`select status from console.change_requests where id = ${approved.id}`;
    expect(stored!.status).toBe('expired');
  });

  it('list newest first, by environment and status', async () => {
    const a = await request({ environment: 'listing', direction: 'rollback', steps: 2 });
    const b = await request({ environment: 'listing', to: '0004_index' });
    await decideRequest(db.sql, b.id, { by: 'adam', approve: true, comment: '' });
    expect((await listRequests(db.sql, { environment: 'listing' })).map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await listRequests(db.sql, { environment: 'listing', status: 'approved' })).map((r) => r.id)).toEqual([b.id]);
    expect((await listRequests(db.sql, { environment: 'listing', status: 'pending' }))[0]).toMatchObject({ id: a.id, direction: 'rollback', steps: 2, to: null });
    expect((await listRequests(db.sql)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('an approval counts only from a different person', () => {
  it('not an account the requester created, nor one the requester promoted', async () => {
    await createUser(db.sql, { username: 'minted', role: 'admin', password: null, createdBy: 'olga' });
    await createUser(db.sql, { username: 'lifted', role: 'viewer', password: null, createdBy: 'first start' });
    await setRole(db.sql, 'lifted', 'admin', 'olga');
    const r = await request();
    await expect(decideRequest(db.sql, r.id, { by: 'minted', approve: true, comment: '' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/created by olga, who filed request/) });
    // Even backdated into the past, a promotion by the requester disqualifies.
    await db.sql`update console.users set role_changed_at = now() - interval '1 day', created_at = now() - interval '2 days' where username in ('minted', 'lifted')`;
    await expect(decideRequest(db.sql, r.id, { by: 'lifted', approve: true, comment: '' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/olga, who filed request #\d+, gave your account its role/) });
    expect((await getRequest(db.sql, r.id))!.status).toBe('pending');
    // A rejection needs no second person's independence: it stops nothing but the request.
    expect((await decideRequest(db.sql, r.id, { by: 'minted', approve: false, comment: 'not like this' })).status).toBe('rejected');
  });

  it('not an account created or promoted after the request was filed, by anyone', async () => {
    const r = await request();
    await createUser(db.sql, { username: 'latecomer', role: 'admin', password: null, createdBy: 'adam' });
    await createUser(db.sql, { username: 'riser', role: 'operator', password: null, createdBy: 'first start' });
    await db.sql`update console.users set created_at = now() - interval '2 days', role_changed_at = now() - interval '2 days' where username = 'riser'`;
    await setRole(db.sql, 'riser', 'admin', 'adam');
    await expect(decideRequest(db.sql, r.id, { by: 'latecomer', approve: true, comment: '' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/created after request #\d+ was filed/) });
    await expect(decideRequest(db.sql, r.id, { by: 'riser', approve: true, comment: '' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/became admin after request #\d+ was filed/) });
    await expect(decideRequest(db.sql, r.id, { by: 'ghost', approve: true, comment: '' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/no longer exists/) });
    // An admin from before, made by someone else, counts.
    expect((await decideRequest(db.sql, r.id, { by: 'adam', approve: true, comment: 'looked at it' })).status).toBe('approved');
  });

  it('approvalRefusal names the rule for the approvals page, and null for an eligible admin', () => {
    const filed = { id: 7, requestedBy: 'olga', requestedAt: '2026-12-01T10:00:00.000Z' };
    const admin = { id: 1, username: 'adam', displayName: null, role: 'admin' as const, disabled: false, oidcSubject: null, createdAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:00:00.000Z', createdBy: 'first start', roleChangedBy: 'first start', roleChangedAt: '2026-11-01T00:00:00.000Z' };
    expect(approvalRefusal(filed, admin)).toBeNull();
    expect(approvalRefusal(filed, { ...admin, username: 'OLGA' })).toMatch(/your own request/);
    expect(approvalRefusal(filed, { ...admin, role: 'operator' })).toMatch(/Only admins/);
    expect(approvalRefusal(filed, { ...admin, disabled: true })).toMatch(/disabled/);
    expect(approvalRefusal(filed, { ...admin, roleChangedAt: '2026-12-01T10:00:01.000Z' })).toMatch(/became admin after/);
  });
});
