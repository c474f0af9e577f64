/**
 * Seed for schema `risk` (the risk manager daemon, schema v2 + the optional
 * daily_unrealized_pnl, drizzle/demo/schema/risk.ts). Three futures accounts over the last 20 trading days
 * before SEED_NOW: fills (trade_history), the realized P&L per day computed from those fills
 * (daily_pnl), end-of-day unrealized snapshots, open positions with their protective stop
 * orders, the daemon's enforcement actions and lockouts, its session state and reset
 * schedule, the contract cache, and schema_version's baseline rows.
 *
 * Identity columns get fixed values (1, 2, 3 … in a fixed order) and their sequences are
 * moved past them, so the daemon's next insert does not collide. Timestamps are UTC
 * without time zone, like SQLite's CURRENT_TIMESTAMP in the original.
 */
import {
  contractCache,
  dailyPnl,
  dailyUnrealizedPnl,
  enforcementLog,
  lockouts,
  orders,
  positions,
  resetSchedule,
  schemaVersion,
  sessionState,
  tradeHistory,
} from '../../drizzle/demo/schema/risk';
import { DAY, HOUR, MINUTE, at, between, pick, upsertRows, syncIdentity } from '../../lib/seed/helpers';
import type { SeedDb, SeedStep } from '../../lib/seed/types';
import { mulberry32 } from '../../lib/seed/prng';
import { SEED_NOW, utc } from './clock';

const ACCOUNTS = [
  { id: 10234501, label: 'Evaluation 50K', maxLoss: 500, maxContracts: 5, activity: 3 },
  { id: 10234502, label: 'Funded 150K', maxLoss: 2000, maxContracts: 15, activity: 4 },
  { id: 10234503, label: 'Practice', maxLoss: 300, maxContracts: 3, activity: 2 },
] as const;

const CONTRACTS = [
  { id: 'CON.F.US.MES.Z26', symbol: 'MESZ26', name: 'Micro E-mini S&P 500 Dec 2026', tick: 0.25, tickValue: 1.25, price: 6842.5 },
  { id: 'CON.F.US.MNQ.Z26', symbol: 'MNQZ26', name: 'Micro E-mini Nasdaq-100 Dec 2026', tick: 0.25, tickValue: 0.5, price: 24870.0 },
  { id: 'CON.F.US.MGC.G27', symbol: 'MGCG27', name: 'Micro Gold Feb 2027', tick: 0.1, tickValue: 1.0, price: 4052.3 },
  { id: 'CON.F.US.MCL.F27', symbol: 'MCLF27', name: 'Micro WTI Crude Oil Jan 2027', tick: 0.01, tickValue: 1.0, price: 62.41 },
  { id: 'CON.F.US.M2K.Z26', symbol: 'M2KZ26', name: 'Micro E-mini Russell 2000 Dec 2026', tick: 0.1, tickValue: 0.5, price: 2481.6 },
  { id: 'CON.F.US.EP.Z26', symbol: 'ESZ26', name: 'E-mini S&P 500 Dec 2026', tick: 0.25, tickValue: 12.5, price: 6842.5 },
] as const;

type Contract = (typeof CONTRACTS)[number];
const FEE_PER_CONTRACT = 0.37;

/** The 20 weekdays before SEED_NOW (a Sunday), oldest first, as YYYY-MM-DD. */
function tradingDays(): string[] {
  const days: string[] = [];
  for (let d = 1; days.length < 20; d++) {
    const day = new Date(SEED_NOW.getTime() - d * DAY);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) days.unshift(day.toISOString().slice(0, 10));
  }
  return days;
}

const roundTo = (value: number, step: number) => Math.round(value / step) * step;
const cents = (value: number) => Math.round(value * 100) / 100;

interface Fill {
  accountId: number;
  contract: Contract;
  orderId: string;
  side: 0 | 1;
  size: number;
  price: number;
  pnl: number | null;
  fees: number;
  at: Date;
  day: string;
}

/** Every fill of the 20 days: round trips of 1–3 contracts, P&L on the closing fill. */
const FILLS: Fill[] = (() => {
  const random = mulberry32(0x815c);
  const fills: Fill[] = [];
  const prices = new Map<string, number>(CONTRACTS.map((c) => [c.id, c.price]));
  let order = 0;
  for (const day of tradingDays()) {
    for (const contract of CONTRACTS) prices.set(contract.id, roundTo(prices.get(contract.id)! * (1 + (random() - 0.48) * 0.012), contract.tick));
    for (const account of ACCOUNTS) {
      const trips = between(random, 0, account.activity * 2);
      let clock = utc(`${day} 13:30`).getTime() + between(random, 0, 40) * MINUTE;
      for (let t = 0; t < trips; t++) {
        const contract = pick(random, CONTRACTS.slice(0, 5));
        const size = between(random, 1, Math.min(3, account.maxContracts));
        const long = random() < 0.55;
        const entry = roundTo(prices.get(contract.id)! * (1 + (random() - 0.5) * 0.004), contract.tick);
        const ticks = Math.round((random() - 0.47) * 120);
        const exit = roundTo(entry + ticks * contract.tick * (long ? 1 : -1), contract.tick);
        const pointValue = contract.tickValue / contract.tick;
        const fees = cents(FEE_PER_CONTRACT * size);
        const openAt = clock;
        const closeAt = openAt + between(random, 1, 45) * MINUTE + between(random, 0, 59) * 1000;
        clock = closeAt + between(random, 2, 50) * MINUTE;
        if (clock > utc(`${day} 20:00`).getTime()) break;
        fills.push({ accountId: account.id, contract, orderId: `ord_${account.id}_${++order}`, side: long ? 0 : 1, size, price: entry, pnl: null, fees, at: new Date(openAt), day });
        fills.push({ accountId: account.id, contract, orderId: `ord_${account.id}_${++order}`, side: long ? 1 : 0, size, price: exit, pnl: cents((exit - entry) * (long ? 1 : -1) * pointValue * size), fees, at: new Date(closeAt), day });
      }
    }
  }
  return fills;
})();

async function seedSchemaVersion(db: SeedDb): Promise<number> {
  // The baseline rows 0016 inserts; left alone when the migration's own rows are there.
  return upsertRows(db, schemaVersion, [
    { version: 1, appliedAt: utc('2026-05-04 14:00'), description: 'Baseline schema - 9 tables (lockouts, daily_pnl, contract_cache, trade_history, session_state, positions, orders, enforcement_log, reset_schedule)', success: true },
    { version: 2, appliedAt: utc('2026-05-04 14:00'), description: 'Schema v2: Add schema_version table, analytics indexes, optional daily_unrealized_pnl table', success: true },
  ], { doNothing: true });
}

async function seedContractCache(db: SeedDb): Promise<number> {
  return upsertRows(db, contractCache, CONTRACTS.map((c, i) => ({
    contractId: c.id,
    symbol: c.symbol,
    name: c.name,
    tickSize: c.tick,
    tickValue: c.tickValue,
    cachedAt: at(SEED_NOW, -(i + 1) * 17 * MINUTE),
    expiresAt: at(SEED_NOW, 24 * HOUR - (i + 1) * 17 * MINUTE),
  })));
}

async function seedTradeHistory(db: SeedDb): Promise<number> {
  const written = await upsertRows(db, tradeHistory, FILLS.map((f, i) => ({
    id: i + 1,
    accountId: f.accountId,
    contractId: f.contract.id,
    symbol: f.contract.symbol,
    orderId: f.orderId,
    side: f.side,
    size: f.size,
    price: f.price,
    pnl: f.pnl,
    fees: f.fees,
    timestamp: f.at,
  })));
  await syncIdentity(db, tradeHistory, tradeHistory.id);
  return written;
}

/** Realized P&L per account and day, net of fees: the sums of that day's fills. */
function dailyTotals(): Array<{ accountId: number; day: string; pnl: number; fills: number; last: Date }> {
  const totals = new Map<string, { accountId: number; day: string; pnl: number; fills: number; last: Date }>();
  for (const day of tradingDays()) {
    for (const account of ACCOUNTS) totals.set(`${account.id}|${day}`, { accountId: account.id, day, pnl: 0, fills: 0, last: utc(`${day} 20:05`) });
  }
  for (const f of FILLS) {
    const total = totals.get(`${f.accountId}|${f.day}`)!;
    total.pnl = cents(total.pnl + (f.pnl ?? 0) - f.fees);
    total.fills++;
  }
  return [...totals.values()];
}

async function seedDailyPnl(db: SeedDb): Promise<number> {
  const written = await upsertRows(db, dailyPnl, dailyTotals().map((t, i) => ({
    id: i + 1,
    accountId: t.accountId,
    date: t.day,
    realizedPnl: t.pnl,
    tradeCount: t.fills,
    updatedAt: t.last,
  })));
  await syncIdentity(db, dailyPnl, dailyPnl.id);
  return written;
}

async function seedDailyUnrealizedPnl(db: SeedDb): Promise<number> {
  const random = mulberry32(0x0e41);
  return upsertRows(db, dailyUnrealizedPnl, dailyTotals().map((t) => {
    const held = t.accountId === 10234503 ? 0 : between(random, 0, 2);
    return {
      accountId: t.accountId,
      timestamp: t.day,
      unrealizedPnl: held ? cents((random() - 0.5) * 600) : 0,
      positionsCount: held,
      totalExposure: held ? cents(held * (15_000 + random() * 40_000)) : 0,
      createdAt: utc(`${t.day} 21:00`),
    };
  }));
}

const OPEN_POSITIONS = [
  { accountId: 10234501, contract: CONTRACTS[0], side: 0, size: 2, price: 6861.25, pnl: -118.75, opened: utc('2026-11-13 19:41') },
  { accountId: 10234502, contract: CONTRACTS[1], side: 1, size: 1, price: 24912.5, pnl: 84.0, opened: utc('2026-11-13 18:02') },
  { accountId: 10234502, contract: CONTRACTS[2], side: 0, size: 1, price: 4048.7, pnl: 37.0, opened: utc('2026-11-12 15:20') },
  { accountId: 10234502, contract: CONTRACTS[3], side: 0, size: 2, price: 62.18, pnl: -46.0, opened: utc('2026-11-13 14:55') },
] as const;

async function seedPositions(db: SeedDb): Promise<number> {
  const written = await upsertRows(db, positions, OPEN_POSITIONS.map((p, i) => ({
    id: i + 1,
    accountId: p.accountId,
    contractId: p.contract.id,
    symbol: p.contract.symbol,
    side: p.side,
    size: p.size,
    averagePrice: p.price,
    unrealizedPnl: p.pnl,
    openedAt: p.opened,
    updatedAt: utc('2026-11-13 21:00'),
  })));
  await syncIdentity(db, positions, positions.id);
  return written;
}

/** OrderType: 1 MARKET, 2 LIMIT, 3 STOP, 4 STOP_LIMIT, 5 TRAILING_STOP. */
async function seedOrders(db: SeedDb): Promise<number> {
  const lastDays = new Set(tradingDays().slice(-2));
  const filled = FILLS.filter((f) => lastDays.has(f.day)).map((f) => ({
    orderId: f.orderId, accountId: f.accountId, contractId: f.contract.id, symbol: f.contract.symbol, type: f.pnl === null ? 1 : 2, side: f.side, size: f.size,
    limitPrice: f.pnl === null ? null : f.price, stopPrice: null, state: 'filled', createdAt: at(f.at, -1500), updatedAt: f.at,
  }));
  const protective = OPEN_POSITIONS.map((p, i) => ({
    orderId: `ord_${p.accountId}_stop_${i + 1}`, accountId: p.accountId, contractId: p.contract.id, symbol: p.contract.symbol, type: i % 2 ? 5 : 3, side: p.side === 0 ? 1 : 0, size: p.size,
    limitPrice: null, stopPrice: roundTo(p.price * (p.side === 0 ? 0.995 : 1.005), p.contract.tick), state: 'working', createdAt: at(p.opened, 2000), updatedAt: at(p.opened, 2000),
  }));
  const others = [
    { orderId: 'ord_10234501_c1', accountId: 10234501, contractId: CONTRACTS[4].id, symbol: CONTRACTS[4].symbol, type: 2, side: 0, size: 1, limitPrice: 2455.0, stopPrice: null, state: 'cancelled', createdAt: utc('2026-11-13 14:10'), updatedAt: utc('2026-11-13 16:45') },
    { orderId: 'ord_10234503_r1', accountId: 10234503, contractId: CONTRACTS[5].id, symbol: CONTRACTS[5].symbol, type: 1, side: 0, size: 4, limitPrice: null, stopPrice: null, state: 'rejected', createdAt: utc('2026-11-12 15:02'), updatedAt: utc('2026-11-12 15:02') },
    { orderId: 'ord_10234502_c2', accountId: 10234502, contractId: CONTRACTS[3].id, symbol: CONTRACTS[3].symbol, type: 4, side: 1, size: 2, limitPrice: 61.9, stopPrice: 61.95, state: 'cancelled', createdAt: utc('2026-11-13 15:00'), updatedAt: utc('2026-11-13 19:30') },
  ];
  const written = await upsertRows(db, orders, [...filled, ...protective, ...others].map((o, i) => ({ id: i + 1, ...o })));
  await syncIdentity(db, orders, orders.id);
  return written;
}

/** Days the practice account broke its daily loss limit: a lockout and the enforcement behind it. */
function breaches(): Array<{ accountId: number; day: string; pnl: number }> {
  const limit = new Map<number, number>(ACCOUNTS.map((a) => [a.id, a.maxLoss]));
  const found = dailyTotals().filter((t) => t.pnl <= -limit.get(t.accountId)! * 0.5);
  return found.slice(-4);
}

async function seedLockouts(db: SeedDb): Promise<number> {
  const rows: Array<typeof lockouts.$inferInsert> = breaches().map((b) => ({
    accountId: b.accountId,
    ruleId: 'daily_realized_loss',
    reason: `Daily realized loss ${b.pnl.toFixed(2)} reached 50% of the limit; locked until the next reset`,
    lockedAt: utc(`${b.day} 19:58`),
    lockedUntil: utc(`${b.day} 23:00`),
    isActive: false,
  }));
  rows.push(
    { accountId: 10234503, ruleId: 'max_contracts', reason: 'Order for 4 ESZ26 exceeds max contracts (3)', lockedAt: utc('2026-11-12 15:02'), lockedUntil: utc('2026-11-12 15:17'), isActive: false },
    { accountId: 10234501, ruleId: 'trade_frequency', reason: '12 trades in 10 minutes (limit 10): cooldown', lockedAt: utc('2026-11-10 14:31'), lockedUntil: utc('2026-11-10 14:46'), isActive: false },
    // Still in force at SEED_NOW: cleared by hand or at the next reset.
    { accountId: 10234503, ruleId: 'weekly_loss_limit', reason: 'Weekly realized loss reached the limit; locked until the weekly reset', lockedAt: utc('2026-11-13 20:01'), lockedUntil: utc('2026-11-15 23:00'), isActive: true },
    { accountId: 10234502, ruleId: 'manual', reason: 'Locked by risk desk pending review of overnight position size', lockedAt: utc('2026-11-14 02:15'), lockedUntil: null, isActive: true },
  );
  const written = await upsertRows(db, lockouts, rows.map((r, i) => ({ id: i + 1, ...r })));
  await syncIdentity(db, lockouts, lockouts.id);
  return written;
}

async function seedEnforcementLog(db: SeedDb): Promise<number> {
  const random = mulberry32(0xe4f0);
  const rows: Array<Omit<typeof enforcementLog.$inferInsert, 'id'>> = [];
  for (const b of breaches()) {
    rows.push(
      { accountId: b.accountId, ruleId: 'daily_realized_loss', action: 'close_all_positions', reason: `Realized ${b.pnl.toFixed(2)}`, success: true, details: JSON.stringify({ positions_closed: between(random, 0, 2) }), timestamp: utc(`${b.day} 19:58`), executionTimeMs: between(random, 80, 420) },
      { accountId: b.accountId, ruleId: 'daily_realized_loss', action: 'cancel_all_orders', reason: null, success: true, details: JSON.stringify({ orders_cancelled: between(random, 0, 3) }), timestamp: at(utc(`${b.day} 19:58`), 500), executionTimeMs: between(random, 40, 200) },
      { accountId: b.accountId, ruleId: 'daily_realized_loss', action: 'lockout', reason: 'until next reset', success: true, details: null, timestamp: at(utc(`${b.day} 19:58`), 900), executionTimeMs: between(random, 5, 30) },
    );
  }
  rows.push(
    { accountId: 10234503, ruleId: 'max_contracts', action: 'reject_order', reason: 'size 4 > 3', success: true, details: JSON.stringify({ order_id: 'ord_10234503_r1' }), timestamp: utc('2026-11-12 15:02'), executionTimeMs: 12 },
    { accountId: 10234501, ruleId: 'trade_frequency', action: 'lockout', reason: 'cooldown 15 min', success: true, details: null, timestamp: utc('2026-11-10 14:31'), executionTimeMs: 9 },
    { accountId: 10234502, ruleId: 'session_block_outside_hours', action: 'warn', reason: 'Order outside the allowed session 13:30–20:00 UTC', success: true, details: null, timestamp: utc('2026-11-11 21:12'), executionTimeMs: 3 },
    // The broker API timed out once: a failed enforcement, retried successfully.
    { accountId: 10234503, ruleId: 'weekly_loss_limit', action: 'close_all_positions', reason: 'Weekly loss limit', success: false, details: JSON.stringify({ error: 'broker API timeout after 5000 ms' }), timestamp: utc('2026-11-13 20:00'), executionTimeMs: 5004 },
    { accountId: 10234503, ruleId: 'weekly_loss_limit', action: 'close_all_positions', reason: 'Weekly loss limit (retry)', success: true, details: JSON.stringify({ positions_closed: 1 }), timestamp: utc('2026-11-13 20:01'), executionTimeMs: 311 },
    { accountId: 10234503, ruleId: 'weekly_loss_limit', action: 'lockout', reason: 'until weekly reset', success: true, details: null, timestamp: at(utc('2026-11-13 20:01'), 700), executionTimeMs: 7 },
    { accountId: 10234502, ruleId: 'manual', action: 'lockout', reason: 'risk desk', success: true, details: JSON.stringify({ by: 'risk-desk:h.kowalski' }), timestamp: utc('2026-11-14 02:15'), executionTimeMs: 6 },
  );
  // Routine checks that found nothing to do, one per account and day.
  for (const day of tradingDays().slice(-5)) {
    for (const account of ACCOUNTS) {
      rows.push({ accountId: account.id, ruleId: 'end_of_day_flatten', action: 'check', reason: null, success: true, details: JSON.stringify({ open_positions: 0 }), timestamp: utc(`${day} 20:55`), executionTimeMs: between(random, 2, 25) });
    }
  }
  rows.sort((a, b) => (a.timestamp as Date).getTime() - (b.timestamp as Date).getTime() || a.accountId - b.accountId);
  const written = await upsertRows(db, enforcementLog, rows.map((r, i) => ({ id: i + 1, ...r })));
  await syncIdentity(db, enforcementLog, enforcementLog.id);
  return written;
}

async function seedSessionState(db: SeedDb): Promise<number> {
  const lastDay = tradingDays().at(-1)!;
  const totals = dailyTotals().filter((t) => t.day === lastDay);
  const written = await upsertRows(db, sessionState, ACCOUNTS.map((a, i) => {
    const today = totals.find((t) => t.accountId === a.id)!;
    return {
      id: i + 1,
      accountId: a.id,
      tradingDay: lastDay,
      sessionStartedAt: utc(`${lastDay} 13:00`),
      lastEventAt: utc(`${lastDay} 20:55`),
      stateJson: JSON.stringify({ label: a.label, realized_pnl: today.pnl, trades: today.fills, max_loss: a.maxLoss, max_contracts: a.maxContracts, daemon_version: '2.3.1' }),
      updatedAt: utc(`${lastDay} 20:55`),
    };
  }));
  await syncIdentity(db, sessionState, sessionState.id);
  return written;
}

async function seedResetSchedule(db: SeedDb): Promise<number> {
  const written = await upsertRows(db, resetSchedule, [
    { id: 1, accountId: 10234501, resetType: 'daily', resetTime: '17:00:00', timezone: 'America/Chicago', enabled: true, lastResetAt: utc('2026-11-13 23:00'), nextResetAt: utc('2026-11-16 23:00') },
    { id: 2, accountId: 10234502, resetType: 'daily', resetTime: '17:00:00', timezone: 'America/Chicago', enabled: true, lastResetAt: utc('2026-11-13 23:00'), nextResetAt: utc('2026-11-16 23:00') },
    { id: 3, accountId: 10234503, resetType: 'daily', resetTime: '17:00:00', timezone: 'America/Chicago', enabled: true, lastResetAt: utc('2026-11-13 23:00'), nextResetAt: utc('2026-11-16 23:00') },
    // Weekly: Sundays at 17:00 Chicago, when the futures week opens.
    { id: 4, accountId: 10234503, resetType: 'weekly', resetTime: '17:00:00', timezone: 'America/Chicago', enabled: true, lastResetAt: utc('2026-11-08 23:00'), nextResetAt: utc('2026-11-15 23:00') },
    { id: 5, accountId: 10234502, resetType: 'weekly', resetTime: '16:00:00', timezone: 'America/New_York', enabled: false, lastResetAt: utc('2026-06-26 20:00'), nextResetAt: null },
  ]);
  await syncIdentity(db, resetSchedule, resetSchedule.id);
  return written;
}

export const riskSteps: SeedStep[] = [
  { table: 'risk.schema_version', run: seedSchemaVersion },
  { table: 'risk.contract_cache', run: seedContractCache },
  { table: 'risk.trade_history', run: seedTradeHistory },
  { table: 'risk.daily_pnl', run: seedDailyPnl },
  { table: 'risk.daily_unrealized_pnl', run: seedDailyUnrealizedPnl },
  { table: 'risk.positions', run: seedPositions },
  { table: 'risk.orders', run: seedOrders },
  { table: 'risk.lockouts', run: seedLockouts },
  { table: 'risk.enforcement_log', run: seedEnforcementLog },
  { table: 'risk.session_state', run: seedSessionState },
  { table: 'risk.reset_schedule', run: seedResetSchedule },
];
