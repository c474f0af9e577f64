/**
 * Seed for schema `platform`: a development data set enabling sign-in, budgets, a sample
 * model and basic analytics; rerunnable; a sample service can authenticate and write and
 * read end to end.
 *
 * Five organizations (three active, one suspended, one closed and soft-deleted), their
 * users (e-mail addresses stored only as HMAC-SHA256 with EMAIL_HASH_KEY), API keys stored
 * only as the SHA-256 of the secret plus a display prefix, a model registry around the
 * sample model `sample-chat 2026-06`, monthly/quarterly/yearly budgets, an audit log, 30 days
 * of usage events ending at SEED_NOW (plus a few from 2024, past the 24-month retention),
 * and the hourly/daily rollups computed from them by INSERT … SELECT.
 *
 * Development credentials (never use outside a demo database): the secret of any seeded
 * key is `demoApiKeySecret(slug, name)`, e.g. the sample service of Acme Analytics signs in
 * with `demoApiKeySecret('acme-analytics', 'production-backend')`; its users' e-mail hashes
 * use EMAIL_HASH_KEY, or `strata-demo-email-hash-key` when that variable is unset.
 */
import { and, desc, getTableColumns, gte, lte, sql } from 'drizzle-orm';
import {
  apiKeys,
  auditLog,
  budgets,
  models,
  organizations,
  usageDaily,
  usageEvents,
  usageHourly,
  users,
} from '../../drizzle/demo/schema/platform';
import { DAY, HOUR, MINUTE, at, between, hmacSha256Hex, pick, seedUuid, sha256Hex, syncIdentity, upsertRows } from '../../lib/seed/helpers';
import type { BulkSeed, SeedDb, SeedStep } from '../../lib/seed/types';
import { mulberry32 } from '../../lib/seed/prng';
import { SCALE_FROM, SEED_ACTOR, SEED_NOW, USAGE_DAYS, daysAgo, utc } from './clock';

// ---------------------------------------------------------------------------
// Organizations, users, keys, models: the fixed cast
// ---------------------------------------------------------------------------

interface OrgSpec {
  slug: string;
  name: string;
  status: 'active' | 'suspended' | 'closed';
  createdAt: Date;
  deletedAt?: Date;
  /** Peak requests per hour (0: no traffic in the usage window). */
  peakPerHour: number;
  /** Traffic stops at this time (suspension). */
  trafficUntil?: Date;
}

const ORGS: OrgSpec[] = [
  { slug: 'acme-analytics', name: 'Acme Analytics', status: 'active', createdAt: utc('2025-03-04 09:12'), peakPerHour: 6 },
  { slug: 'northwind-labs', name: 'Northwind Labs', status: 'active', createdAt: utc('2025-06-18 14:40'), peakPerHour: 3 },
  { slug: 'blue-harbor-health', name: 'Blue Harbor Health', status: 'active', createdAt: utc('2025-09-02 16:05'), peakPerHour: 4 },
  { slug: 'quill-and-ink', name: 'Quill & Ink Publishing', status: 'suspended', createdAt: utc('2025-11-20 11:30'), peakPerHour: 2, trafficUntil: utc('2026-11-01 00:00') },
  { slug: 'old-mill-ventures', name: 'Old Mill Ventures', status: 'closed', createdAt: utc('2024-05-13 10:00'), deletedAt: utc('2026-03-10 08:45'), peakPerHour: 0 },
];

const orgId = (slug: string) => seedUuid(`platform.organizations:${slug}`);

interface UserSpec {
  org: string;
  key: string;
  name: string;
  email: string;
  role: 'owner' | 'admin' | 'member' | 'viewer';
  status: 'invited' | 'active' | 'disabled';
  lastLoginDaysAgo: number | null;
  deletedAt?: Date;
}

const USERS: UserSpec[] = [
  { org: 'acme-analytics', key: 'priya', name: 'Priya Raman', email: 'priya.raman@acme-analytics.example', role: 'owner', status: 'active', lastLoginDaysAgo: 0.3 },
  { org: 'acme-analytics', key: 'daniel', name: 'Daniel Okafor', email: 'daniel.okafor@acme-analytics.example', role: 'admin', status: 'active', lastLoginDaysAgo: 1.2 },
  { org: 'acme-analytics', key: 'mei', name: 'Mei Lin', email: 'mei.lin@acme-analytics.example', role: 'member', status: 'active', lastLoginDaysAgo: 0.8 },
  { org: 'acme-analytics', key: 'tomas', name: 'Tomás García', email: 'tomas.garcia@acme-analytics.example', role: 'member', status: 'active', lastLoginDaysAgo: 4.5 },
  { org: 'acme-analytics', key: 'aisha', name: 'Aisha Bello', email: 'aisha.bello@acme-analytics.example', role: 'viewer', status: 'invited', lastLoginDaysAgo: null },
  { org: 'northwind-labs', key: 'jonas', name: 'Jonas Berg', email: 'jonas@northwind-labs.example', role: 'owner', status: 'active', lastLoginDaysAgo: 2.1 },
  { org: 'northwind-labs', key: 'sofia', name: 'Sofia Rossi', email: 'sofia@northwind-labs.example', role: 'admin', status: 'active', lastLoginDaysAgo: 0.5 },
  { org: 'northwind-labs', key: 'kenji', name: 'Kenji Watanabe', email: 'kenji@northwind-labs.example', role: 'member', status: 'active', lastLoginDaysAgo: 3.7 },
  { org: 'northwind-labs', key: 'lena', name: 'Lena Fischer', email: 'lena@northwind-labs.example', role: 'member', status: 'disabled', lastLoginDaysAgo: 61, deletedAt: utc('2026-09-15 12:00') },
  { org: 'blue-harbor-health', key: 'grace', name: 'Grace Mensah', email: 'grace.mensah@blueharbor.example', role: 'owner', status: 'active', lastLoginDaysAgo: 1.0 },
  { org: 'blue-harbor-health', key: 'omar', name: 'Omar Haddad', email: 'omar.haddad@blueharbor.example', role: 'admin', status: 'active', lastLoginDaysAgo: 0.2 },
  { org: 'blue-harbor-health', key: 'hannah', name: 'Hannah Cohen', email: 'hannah.cohen@blueharbor.example', role: 'member', status: 'active', lastLoginDaysAgo: 6.4 },
  { org: 'blue-harbor-health', key: 'ravi', name: 'Ravi Patel', email: 'ravi.patel@blueharbor.example', role: 'viewer', status: 'active', lastLoginDaysAgo: 12.9 },
  { org: 'quill-and-ink', key: 'elena', name: 'Elena Petrova', email: 'elena@quillandink.example', role: 'owner', status: 'active', lastLoginDaysAgo: 14.2 },
  { org: 'quill-and-ink', key: 'marcus', name: 'Marcus Webb', email: 'marcus@quillandink.example', role: 'member', status: 'active', lastLoginDaysAgo: 15.0 },
  { org: 'old-mill-ventures', key: 'frank', name: 'Frank Dorsey', email: 'frank@oldmill.example', role: 'owner', status: 'disabled', lastLoginDaysAgo: 255, deletedAt: utc('2026-03-10 08:45') },
];

const userId = (org: string, key: string) => seedUuid(`platform.users:${org}:${key}`);

/** The key EMAIL_HASH_KEY falls back to in a demo database. */
export const DEMO_EMAIL_HASH_KEY = 'strata-demo-email-hash-key';

/** The stored form of an e-mail address: HMAC-SHA256 of the normalised address. */
export function emailHash(email: string, key = process.env.EMAIL_HASH_KEY || DEMO_EMAIL_HASH_KEY): string {
  return hmacSha256Hex(key, email.trim().toLowerCase());
}

interface KeySpec {
  org: string;
  name: string;
  user: string | null;
  scopes: string[];
  status: 'active' | 'revoked' | 'expired';
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt?: Date;
  revokedAt?: Date;
  deletedAt?: Date;
}

const KEYS: KeySpec[] = [
  { org: 'acme-analytics', name: 'production-backend', user: 'daniel', scopes: ['inference:write', 'usage:read'], status: 'active', createdAt: utc('2025-03-05 10:00'), lastUsedAt: daysAgo(0, 0, -4) },
  { org: 'acme-analytics', name: 'analytics-dashboard', user: 'mei', scopes: ['usage:read'], status: 'active', createdAt: utc('2025-07-11 15:20'), lastUsedAt: daysAgo(0, -1) },
  { org: 'acme-analytics', name: 'legacy-ci', user: 'tomas', scopes: ['inference:write'], status: 'revoked', createdAt: utc('2025-04-02 08:00'), lastUsedAt: utc('2026-07-30 22:10'), revokedAt: utc('2026-08-01 09:00') },
  { org: 'acme-analytics', name: 'contractor-sandbox', user: null, scopes: ['inference:write'], status: 'expired', createdAt: utc('2026-07-01 12:00'), lastUsedAt: utc('2026-09-29 17:45'), expiresAt: utc('2026-09-30 23:59') },
  { org: 'northwind-labs', name: 'ingest-pipeline', user: 'sofia', scopes: ['inference:write', 'embeddings:write'], status: 'active', createdAt: utc('2025-06-19 09:30'), lastUsedAt: daysAgo(0, 0, -11) },
  { org: 'northwind-labs', name: 'research-notebook', user: 'kenji', scopes: ['inference:write', 'usage:read'], status: 'active', createdAt: utc('2026-02-03 13:00'), lastUsedAt: daysAgo(0, -2) },
  { org: 'blue-harbor-health', name: 'clinical-notes-summarizer', user: 'omar', scopes: ['inference:write'], status: 'active', createdAt: utc('2025-09-03 10:15'), lastUsedAt: daysAgo(0, 0, -2) },
  { org: 'blue-harbor-health', name: 'staging', user: 'hannah', scopes: ['inference:write', 'usage:read'], status: 'active', createdAt: utc('2026-05-20 11:00'), lastUsedAt: daysAgo(1, -3), expiresAt: utc('2027-01-31 23:59') },
  { org: 'quill-and-ink', name: 'editorial-assistant', user: 'elena', scopes: ['inference:write'], status: 'active', createdAt: utc('2025-11-21 09:00'), lastUsedAt: utc('2026-10-31 21:58') },
  { org: 'old-mill-ventures', name: 'main', user: 'frank', scopes: ['inference:write'], status: 'revoked', createdAt: utc('2024-05-14 10:00'), lastUsedAt: utc('2026-02-27 16:20'), revokedAt: utc('2026-03-10 08:45'), deletedAt: utc('2026-03-10 08:45') },
];

const apiKeyId = (org: string, name: string) => seedUuid(`platform.api_keys:${org}:${name}`);

/** The plaintext secret of a seeded API key: deterministic, for development databases only. */
export function demoApiKeySecret(org: string, name: string): string {
  return `sk_demo_${sha256Hex(`strata-demo-api-key:${org}:${name}`).slice(0, 40)}`;
}

/** What the service stores and looks a presented key up by: SHA-256 of the secret, and its first 12 characters. */
export function apiKeyDigest(secret: string): { keyHash: string; keyPrefix: string } {
  return { keyHash: sha256Hex(secret), keyPrefix: secret.slice(0, 12) };
}

interface ModelSpec {
  name: string;
  version: string;
  provider: string;
  status: 'active' | 'deprecated' | 'retired';
  input: number;
  output: number;
  config: Record<string, unknown>;
  createdAt: Date;
}

const MODELS: ModelSpec[] = [
  { name: 'sample-chat', version: '2026-06', provider: 'strata-labs', status: 'active', input: 0.0005, output: 0.0015, createdAt: utc('2026-06-02 08:00'), config: { context_window: 128000, max_output_tokens: 8192, endpoint: 'https://models.internal.example/v1/sample-chat', region: 'us-east-1' } },
  { name: 'sample-chat', version: '2025-12', provider: 'strata-labs', status: 'deprecated', input: 0.0008, output: 0.0024, createdAt: utc('2025-12-01 08:00'), config: { context_window: 64000, max_output_tokens: 4096, endpoint: 'https://models.internal.example/v1/sample-chat-2025-12', sunset: '2027-01-31' } },
  { name: 'sample-chat', version: '2024-06', provider: 'strata-labs', status: 'retired', input: 0.0015, output: 0.0045, createdAt: utc('2024-06-03 08:00'), config: { context_window: 16000, max_output_tokens: 2048 } },
  { name: 'sample-embed', version: 'v3', provider: 'strata-labs', status: 'active', input: 0.00002, output: 0, createdAt: utc('2026-01-15 08:00'), config: { dimensions: 1024, max_input_tokens: 8192, endpoint: 'https://models.internal.example/v1/sample-embed' } },
  { name: 'sample-reasoner', version: '2026-09', provider: 'open-weights', status: 'active', input: 0.003, output: 0.012, createdAt: utc('2026-09-08 08:00'), config: { context_window: 200000, max_output_tokens: 32000, reasoning: true, endpoint: 'https://models.internal.example/v1/sample-reasoner' } },
];

const modelKey = (m: Pick<ModelSpec, 'name' | 'version'>) => `${m.name}@${m.version}`;
const modelId = (key: string) => seedUuid(`platform.models:${key}`);
const modelByKey = new Map(MODELS.map((m) => [modelKey(m), m]));

// ---------------------------------------------------------------------------
// Usage events: one generator for the 30-day sample and the --scale rows
// ---------------------------------------------------------------------------

/** What each active organization sends, and with which keys, users and models. */
interface Traffic {
  org: string;
  orgId: string;
  users: string[];
  keys: string[];
  /** [model key, weight] */
  models: Array<[string, number]>;
}

/** A Traffic with its ids worked out once (a million --scale rows must not hash names a million times). */
interface ResolvedTraffic extends Traffic {
  userIds: string[];
  keyRefs: Array<{ id: string; createdAt: number }>;
  resolvedModels: Array<[{ id: string; spec: ModelSpec }, number]>;
}

/** What a request at `at` could use: models registered and keys created by then (a --scale event may be from January). */
function availableAt(traffic: ResolvedTraffic, at: number): { models: ResolvedTraffic['resolvedModels']; keyIds: string[] } {
  const models = traffic.resolvedModels.filter(([m]) => m.spec.createdAt.getTime() <= at);
  const keyIds = traffic.keyRefs.filter((k) => k.createdAt <= at).map((k) => k.id);
  return {
    models: models.length ? models : [[{ id: modelId('sample-chat@2025-12'), spec: modelByKey.get('sample-chat@2025-12')! }, 1]],
    keyIds: keyIds.length ? keyIds : traffic.keyRefs.map((k) => k.id),
  };
}

function resolve(t: Traffic): ResolvedTraffic {
  return {
    ...t,
    userIds: t.users.map((u) => userId(t.org, u)),
    keyRefs: t.keys.map((k) => ({ id: apiKeyId(t.org, k), createdAt: KEYS.find((x) => x.org === t.org && x.name === k)!.createdAt.getTime() })),
    resolvedModels: t.models.map(([key, weight]) => [{ id: modelId(key), spec: modelByKey.get(key)! }, weight]),
  };
}

const TRAFFIC: ResolvedTraffic[] = ([
  { org: 'acme-analytics', users: ['priya', 'daniel', 'mei', 'tomas'], keys: ['production-backend', 'analytics-dashboard'], models: [['sample-chat@2026-06', 70], ['sample-embed@v3', 20], ['sample-reasoner@2026-09', 10]] },
  { org: 'northwind-labs', users: ['sofia', 'kenji', 'jonas'], keys: ['ingest-pipeline', 'research-notebook'], models: [['sample-embed@v3', 45], ['sample-chat@2025-12', 30], ['sample-chat@2026-06', 25]] },
  { org: 'blue-harbor-health', users: ['omar', 'hannah', 'grace'], keys: ['clinical-notes-summarizer', 'staging'], models: [['sample-chat@2026-06', 60], ['sample-reasoner@2026-09', 40]] },
  { org: 'quill-and-ink', users: ['elena', 'marcus'], keys: ['editorial-assistant'], models: [['sample-chat@2026-06', 100]] },
] as Array<Omit<Traffic, 'orgId'>>).map((t) => resolve({ ...t, orgId: orgId(t.org) }));

function weighted<T>(random: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** The columns of a usage event, in COPY order. */
const EVENT_COLUMNS = [
  'id', 'organizationId', 'userId', 'apiKeyId', 'modelId', 'requestId', 'inputTokens', 'outputTokens', 'latencyMs', 'status', 'costUsd', 'occurredAt',
] as const;

/** One request: tokens, latency and cost that fit the model; ~2% errors, ~1% timeouts. */
function usageEvent(random: () => number, id: string, traffic: ResolvedTraffic, occurredAt: Date): unknown[] {
  const available = availableAt(traffic, occurredAt.getTime());
  const { id: model_id, spec: model } = weighted(random, available.models);
  let input: number;
  let output: number;
  let latency: number;
  if (model.name === 'sample-embed') {
    input = between(random, 80, 2400);
    output = 0;
    latency = between(random, 35, 160);
  } else if (model.name === 'sample-reasoner') {
    input = between(random, 900, 9000);
    output = between(random, 400, 4200);
    latency = 1800 + output * 18 + between(random, 0, 2500);
  } else {
    input = Math.round(150 + random() * random() * 5200);
    output = between(random, 40, 1100);
    latency = 280 + output * 11 + between(random, 0, 600);
  }
  const roll = random();
  const status = roll < 0.02 ? 'error' : roll < 0.03 ? 'timeout' : 'ok';
  if (status === 'error') {
    output = 0;
    latency = between(random, 20, 400);
  } else if (status === 'timeout') {
    output = 0;
    latency = 30_000;
  }
  const cost = status === 'error' ? 0 : (input / 1000) * model.input + (output / 1000) * model.output;
  const withUser = random() < 0.65;
  return [
    id,
    traffic.orgId,
    withUser ? pick(random, traffic.userIds) : null,
    pick(random, available.keyIds),
    model_id,
    `req_${Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0')}${Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0')}`,
    input,
    output,
    latency,
    status,
    cost.toFixed(6),
    occurredAt,
  ];
}

/** Share of the peak rate by UTC hour: quiet nights, busy (US) working hours. */
const DIURNAL = [0.25, 0.2, 0.15, 0.12, 0.1, 0.1, 0.12, 0.15, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85, 0.95, 1, 1, 0.95, 0.9, 0.85, 0.7, 0.55, 0.45, 0.35];

function toRow(values: unknown[]): typeof usageEvents.$inferInsert {
  const row: Record<string, unknown> = {};
  EVENT_COLUMNS.forEach((column, i) => (row[column] = values[i]));
  return row as typeof usageEvents.$inferInsert;
}

/** The 30-day sample: hour by hour, each organization at its diurnal and weekday rate. */
export function sampleUsageEvents(): Array<typeof usageEvents.$inferInsert> {
  const random = mulberry32(0x05a6e);
  const rows: Array<typeof usageEvents.$inferInsert> = [];
  const start = SEED_NOW.getTime() - USAGE_DAYS * DAY;
  for (let hour = 0; hour < USAGE_DAYS * 24; hour++) {
    const hourStart = start + hour * HOUR;
    const date = new Date(hourStart);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    for (const traffic of TRAFFIC) {
      const spec = ORGS.find((o) => o.slug === traffic.org)!;
      if (spec.trafficUntil && hourStart >= spec.trafficUntil.getTime()) continue;
      const rate = spec.peakPerHour * DIURNAL[date.getUTCHours()]! * (weekend ? 0.35 : 1);
      const count = Math.floor(rate * (0.6 + random() * 0.8) + random());
      for (let i = 0; i < count; i++) {
        const occurredAt = new Date(hourStart + Math.floor(random() * HOUR));
        rows.push(toRow(usageEvent(random, seedUuid(`platform.usage_events:${rows.length}`), traffic, occurredAt)));
      }
    }
  }
  // Events from October 2024, past the 24-month retention (they land in usage_events_default).
  // Old Mill Ventures' traffic from October 2024 (the org closed in 2026; its events outlive it).
  const old = resolve({ org: 'old-mill-ventures', orgId: orgId('old-mill-ventures'), users: ['frank'], keys: ['main'], models: [['sample-chat@2024-06', 1]] });
  for (let i = 0; i < 24; i++) {
    const values = usageEvent(random, seedUuid(`platform.usage_events:2024:${i}`), old, at(utc('2024-10-01 13:00'), i * 29 * HOUR + between(random, 0, 59) * MINUTE));
    rows.push(toRow(values));
  }
  return rows;
}

/** `--scale` row i: a fixed id in its own range, spread over SCALE_FROM … SEED_NOW. */
const SCALE_ID_PREFIX = '5ca1e000-0000-4000-8000-';
const scaleId = (i: number) => `${SCALE_ID_PREFIX}${i.toString(16).padStart(12, '0')}`;
const SCALE_SPAN = SEED_NOW.getTime() - SCALE_FROM.getTime();
const SCALE_TRAFFIC: Array<[ResolvedTraffic, number]> = TRAFFIC.slice(0, 3).map((t, i) => [t, [5, 3, 3][i]!]);

export const usageEventsAtScale: BulkSeed<typeof usageEvents> = {
  table: usageEvents,
  columns: EVENT_COLUMNS,
  async firstMissing(db: SeedDb, n: number): Promise<number> {
    if (n <= 0) return 0;
    const [row] = await db
      .select({ last: usageEvents.id })
      .from(usageEvents)
      .where(and(gte(usageEvents.id, scaleId(0)), lte(usageEvents.id, scaleId(n - 1))))
      .orderBy(desc(usageEvents.id))
      .limit(1);
    return row ? parseInt(row.last.slice(SCALE_ID_PREFIX.length), 16) + 1 : 0;
  },
  row(i: number): unknown[] {
    const random = mulberry32(0x5ca1e ^ Math.imul(i + 1, 0x9e3779b1));
    const traffic = weighted(random, SCALE_TRAFFIC);
    return usageEvent(random, scaleId(i), traffic, new Date(SCALE_FROM.getTime() + Math.floor(random() * SCALE_SPAN)));
  },
};

// ---------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------

const audit = (createdAt: Date, updatedAt: Date = createdAt) => ({ createdAt, updatedAt, createdBy: SEED_ACTOR, updatedBy: SEED_ACTOR });

async function seedOrganizations(db: SeedDb): Promise<number> {
  return upsertRows(db, organizations, ORGS.map((o) => ({
    id: orgId(o.slug),
    name: o.name,
    slug: o.slug,
    status: o.status,
    ...audit(o.createdAt, o.deletedAt ?? (o.status === 'suspended' ? utc('2026-11-01 00:00') : o.createdAt)),
    deletedAt: o.deletedAt ?? null,
    deletedBy: o.deletedAt ? 'ops:maria.k' : null,
  })));
}

async function seedUsers(db: SeedDb): Promise<number> {
  return upsertRows(db, users, USERS.map((u) => {
    const org = ORGS.find((o) => o.slug === u.org)!;
    const createdAt = at(org.createdAt, (USERS.filter((x) => x.org === u.org).indexOf(u) * 3 + 1) * DAY);
    return {
      id: userId(u.org, u.key),
      organizationId: orgId(u.org),
      emailHash: emailHash(u.email),
      displayName: u.name,
      role: u.role,
      status: u.status,
      lastLoginAt: u.lastLoginDaysAgo === null ? null : daysAgo(u.lastLoginDaysAgo),
      ...audit(createdAt, u.deletedAt ?? createdAt),
      deletedAt: u.deletedAt ?? null,
      deletedBy: u.deletedAt ? 'ops:maria.k' : null,
    };
  }));
}

async function seedApiKeys(db: SeedDb): Promise<number> {
  return upsertRows(db, apiKeys, KEYS.map((k) => ({
    id: apiKeyId(k.org, k.name),
    organizationId: orgId(k.org),
    userId: k.user ? userId(k.org, k.user) : null,
    name: k.name,
    ...apiKeyDigest(demoApiKeySecret(k.org, k.name)),
    scopes: k.scopes,
    status: k.status,
    lastUsedAt: k.lastUsedAt,
    expiresAt: k.expiresAt ?? null,
    revokedAt: k.revokedAt ?? null,
    ...audit(k.createdAt, k.revokedAt ?? k.createdAt),
    deletedAt: k.deletedAt ?? null,
    deletedBy: k.deletedAt ? 'ops:maria.k' : null,
  })));
}

async function seedModels(db: SeedDb): Promise<number> {
  return upsertRows(db, models, MODELS.map((m) => ({
    id: modelId(modelKey(m)),
    name: m.name,
    version: m.version,
    provider: m.provider,
    config: m.config,
    inputCostPer1kTokens: m.input.toFixed(6),
    outputCostPer1kTokens: m.output.toFixed(6),
    status: m.status,
    ...audit(m.createdAt),
    deletedAt: null,
    deletedBy: null,
  })));
}

async function seedBudgets(db: SeedDb): Promise<number> {
  const monthly: Array<[string, number, number]> = [
    ['acme-analytics', 6, 0.75],
    ['northwind-labs', 2, 0.75],
    ['blue-harbor-health', 20, 0.9],
    ['quill-and-ink', 3, 0.8],
  ];
  const rows: Array<typeof budgets.$inferInsert> = [];
  for (const [org, limit, threshold] of monthly) {
    for (const [month, next] of [['2026-10-01', '2026-11-01'], ['2026-11-01', '2026-12-01']] as const) {
      rows.push({
        id: seedUuid(`platform.budgets:${org}:monthly:${month}`),
        organizationId: orgId(org),
        period: 'monthly',
        limitUsd: limit.toFixed(2),
        alertThreshold: threshold.toFixed(2),
        windowStart: utc(month),
        windowEnd: utc(next),
        ...audit(at(utc(month), -5 * DAY)),
        deletedAt: null,
        deletedBy: null,
      });
    }
  }
  rows.push(
    { id: seedUuid('platform.budgets:acme-analytics:quarterly:2026-10-01'), organizationId: orgId('acme-analytics'), period: 'quarterly', limitUsd: '18.00', alertThreshold: '0.85', windowStart: utc('2026-10-01'), windowEnd: utc('2027-01-01'), ...audit(utc('2026-09-20 10:00')), deletedAt: null, deletedBy: null },
    { id: seedUuid('platform.budgets:blue-harbor-health:yearly:2026-01-01'), organizationId: orgId('blue-harbor-health'), period: 'yearly', limitUsd: '200.00', alertThreshold: '0.80', windowStart: utc('2026-01-01'), windowEnd: utc('2027-01-01'), ...audit(utc('2025-12-15 10:00')), deletedAt: null, deletedBy: null },
    { id: seedUuid('platform.budgets:northwind-labs:daily:2026-11-01'), organizationId: orgId('northwind-labs'), period: 'daily', limitUsd: '0.10', alertThreshold: '0.90', windowStart: utc('2026-11-01'), windowEnd: null, ...audit(utc('2026-10-28 16:00')), deletedAt: null, deletedBy: null },
    // Replaced by the 2026-11 budget: soft-deleted.
    { id: seedUuid('platform.budgets:quill-and-ink:weekly:2026-06-01'), organizationId: orgId('quill-and-ink'), period: 'weekly', limitUsd: '1.50', alertThreshold: '0.80', windowStart: utc('2026-06-01'), windowEnd: null, ...audit(utc('2026-05-28 09:00'), utc('2026-09-30 18:00')), deletedAt: utc('2026-09-30 18:00'), deletedBy: 'user:elena' },
  );
  return upsertRows(db, budgets, rows);
}

async function seedAuditLog(db: SeedDb): Promise<number> {
  const entries: Array<{ at: Date; actor: string; action: string; entityType: string; entityId: string | null; summary: string; payload: Record<string, unknown> }> = [
    { at: utc('2024-05-13 10:00'), actor: 'system:signup', action: 'organization.created', entityType: 'organization', entityId: orgId('old-mill-ventures'), summary: 'Organization Old Mill Ventures created', payload: { slug: 'old-mill-ventures' } },
    { at: utc('2025-03-04 09:12'), actor: 'system:signup', action: 'organization.created', entityType: 'organization', entityId: orgId('acme-analytics'), summary: 'Organization Acme Analytics created', payload: { slug: 'acme-analytics' } },
    { at: utc('2025-03-05 10:00'), actor: 'user:daniel.okafor', action: 'api_key.created', entityType: 'api_key', entityId: apiKeyId('acme-analytics', 'production-backend'), summary: 'API key production-backend created', payload: { prefix: apiKeyDigest(demoApiKeySecret('acme-analytics', 'production-backend')).keyPrefix, scopes: ['inference:write', 'usage:read'] } },
    { at: utc('2025-06-18 14:40'), actor: 'system:signup', action: 'organization.created', entityType: 'organization', entityId: orgId('northwind-labs'), summary: 'Organization Northwind Labs created', payload: { slug: 'northwind-labs' } },
    { at: utc('2025-09-02 16:05'), actor: 'system:signup', action: 'organization.created', entityType: 'organization', entityId: orgId('blue-harbor-health'), summary: 'Organization Blue Harbor Health created', payload: { slug: 'blue-harbor-health' } },
    { at: utc('2025-11-20 11:30'), actor: 'system:signup', action: 'organization.created', entityType: 'organization', entityId: orgId('quill-and-ink'), summary: 'Organization Quill & Ink Publishing created', payload: { slug: 'quill-and-ink' } },
    { at: utc('2025-12-01 08:00'), actor: 'ops:maria.k', action: 'model.registered', entityType: 'model', entityId: modelId('sample-chat@2025-12'), summary: 'Model sample-chat 2025-12 registered', payload: { input_cost_per_1k_tokens: '0.000800', output_cost_per_1k_tokens: '0.002400' } },
    { at: utc('2026-01-15 08:00'), actor: 'ops:maria.k', action: 'model.registered', entityType: 'model', entityId: modelId('sample-embed@v3'), summary: 'Model sample-embed v3 registered', payload: { dimensions: 1024 } },
    { at: utc('2026-03-02 07:30'), actor: 'ci:release', action: 'schema.migrated', entityType: 'schema', entityId: null, summary: 'Applied 0002_platform_usage_rollups', payload: { tag: '0002_platform_usage_rollups', duration_ms: 184 } },
    { at: utc('2026-03-10 08:45'), actor: 'ops:maria.k', action: 'organization.deleted', entityType: 'organization', entityId: orgId('old-mill-ventures'), summary: 'Organization Old Mill Ventures closed at customer request; keys revoked', payload: { ticket: 'SUP-4411', revoked_keys: 1 } },
    { at: utc('2026-06-02 08:00'), actor: 'ops:maria.k', action: 'model.registered', entityType: 'model', entityId: modelId('sample-chat@2026-06'), summary: 'Model sample-chat 2026-06 registered', payload: { input_cost_per_1k_tokens: '0.000500', output_cost_per_1k_tokens: '0.001500' } },
    { at: utc('2026-06-02 08:05'), actor: 'ops:maria.k', action: 'model.deprecated', entityType: 'model', entityId: modelId('sample-chat@2025-12'), summary: 'Model sample-chat 2025-12 deprecated (sunset 2027-01-31)', payload: { sunset: '2027-01-31' } },
    { at: utc('2026-08-01 09:00'), actor: 'user:daniel.okafor', action: 'api_key.revoked', entityType: 'api_key', entityId: apiKeyId('acme-analytics', 'legacy-ci'), summary: 'API key legacy-ci revoked', payload: { reason: 'CI moved to workload identity' } },
    { at: utc('2026-09-08 08:00'), actor: 'ops:maria.k', action: 'model.registered', entityType: 'model', entityId: modelId('sample-reasoner@2026-09'), summary: 'Model sample-reasoner 2026-09 registered', payload: { reasoning: true } },
    { at: utc('2026-09-15 12:00'), actor: 'user:sofia', action: 'user.disabled', entityType: 'user', entityId: userId('northwind-labs', 'lena'), summary: 'User Lena Fischer disabled (left the company)', payload: { previous_role: 'member' } },
    { at: utc('2026-09-20 10:00'), actor: 'user:priya.raman', action: 'budget.created', entityType: 'budget', entityId: seedUuid('platform.budgets:acme-analytics:quarterly:2026-10-01'), summary: 'Quarterly budget 18.00 USD for Q4 2026', payload: { limit_usd: '18.00', alert_threshold: '0.85' } },
    { at: utc('2026-10-14 16:30'), actor: 'user:grace.mensah', action: 'budget.updated', entityType: 'budget', entityId: seedUuid('platform.budgets:blue-harbor-health:monthly:2026-10-01'), summary: 'Monthly budget alert threshold raised to 0.90', payload: { alert_threshold: { from: '0.80', to: '0.90' } } },
    { at: utc('2026-10-28 16:00'), actor: 'user:sofia', action: 'budget.created', entityType: 'budget', entityId: seedUuid('platform.budgets:northwind-labs:daily:2026-11-01'), summary: 'Daily budget 0.10 USD', payload: { limit_usd: '0.10' } },
    { at: utc('2026-11-01 00:00'), actor: 'system:billing', action: 'organization.suspended', entityType: 'organization', entityId: orgId('quill-and-ink'), summary: 'Organization Quill & Ink Publishing suspended: invoice 2026-10 unpaid', payload: { invoice: 'INV-2026-10-0042', days_overdue: 31 } },
    { at: utc('2026-11-12 11:20'), actor: 'user:priya.raman', action: 'user.role_changed', entityType: 'user', entityId: userId('acme-analytics', 'daniel'), summary: 'Daniel Okafor: member → admin', payload: { from: 'member', to: 'admin' } },
  ];
  const written = await upsertRows(db, auditLog, entries.map((e, i) => ({
    id: i + 1,
    occurredAt: e.at,
    actor: e.actor,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    changeSummary: e.summary,
    payloadChecksum: sha256Hex(JSON.stringify(e.payload)),
    context: { source: e.actor.split(':')[0], request_id: `req_${sha256Hex(`audit:${i}`).slice(0, 16)}`, ip: `203.0.113.${10 + (i % 40)}`, payload: e.payload },
  })), { overridingSystemValue: true });
  await syncIdentity(db, auditLog, auditLog.id);
  return written;
}

async function seedUsageEvents(db: SeedDb): Promise<number> {
  return upsertRows(db, usageEvents, sampleUsageEvents());
}

/** UTC hour / day of an event, and the rollup's metrics over a group of events. */
const hourOf = sql<Date>`date_trunc('hour', ${usageEvents.occurredAt}, 'UTC')`;
const dayOf = sql<string>`(${usageEvents.occurredAt} at time zone 'UTC')::date`;
const metrics = {
  requestCount: sql<number>`count(*)`.as('request_count'),
  errorCount: sql<number>`count(*) filter (where ${usageEvents.status} <> 'ok')`.as('error_count'),
  inputTokens: sql<number>`coalesce(sum(${usageEvents.inputTokens}), 0)`.as('input_tokens'),
  outputTokens: sql<number>`coalesce(sum(${usageEvents.outputTokens}), 0)`.as('output_tokens'),
  costUsd: sql<string>`coalesce(sum(${usageEvents.costUsd}), 0)`.as('cost_usd'),
  p95LatencyMs: sql<number | null>`round(percentile_cont(0.95) within group (order by ${usageEvents.latencyMs}))::integer`.as('p95_latency_ms'),
};
const excludedMetrics = Object.fromEntries(
  Object.entries(getTableColumns(usageHourly))
    .filter(([key]) => !['organizationId', 'modelId', 'hourStart'].includes(key))
    .map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]),
);

/** Sorting a million events per group for the p95 fits in memory instead of spilling (this transaction only). */
const ROLLUP_WORK_MEM = sql`set local work_mem = '128MB'`;

/**
 * Hourly rollups recomputed from every usage event (recomputing a window reconciles late
 * events without duplicates). computed_at is the end of the hour plus five
 * minutes — when the hourly job would have run — so reruns write identical rows.
 */
async function seedUsageHourly(db: SeedDb): Promise<number> {
  await db.execute(ROLLUP_WORK_MEM);
  const result = await db
    .insert(usageHourly)
    .select((qb) =>
      qb
        .select({ organizationId: usageEvents.organizationId, modelId: usageEvents.modelId, hourStart: hourOf.as('hour_start'), ...metrics, computedAt: sql<Date>`${hourOf} + interval '65 minutes'`.as('computed_at') })
        .from(usageEvents)
        .groupBy(usageEvents.organizationId, usageEvents.modelId, hourOf),
    )
    .onConflictDoUpdate({ target: [usageHourly.organizationId, usageHourly.modelId, usageHourly.hourStart], set: excludedMetrics });
  return result.count;
}

/** Daily rollups (UTC days), computed at 00:15 the next day. */
async function seedUsageDaily(db: SeedDb): Promise<number> {
  await db.execute(ROLLUP_WORK_MEM);
  const result = await db
    .insert(usageDaily)
    .select((qb) =>
      qb
        .select({ organizationId: usageEvents.organizationId, modelId: usageEvents.modelId, day: dayOf.as('day'), ...metrics, computedAt: sql<Date>`(${dayOf} + 1)::timestamp at time zone 'UTC' + interval '15 minutes'`.as('computed_at') })
        .from(usageEvents)
        .groupBy(usageEvents.organizationId, usageEvents.modelId, dayOf),
    )
    .onConflictDoUpdate({ target: [usageDaily.organizationId, usageDaily.modelId, usageDaily.day], set: excludedMetrics });
  return result.count;
}

export const platformSteps: SeedStep[] = [
  { table: 'platform.organizations', run: seedOrganizations },
  { table: 'platform.users', run: seedUsers },
  { table: 'platform.api_keys', run: seedApiKeys },
  { table: 'platform.models', run: seedModels },
  { table: 'platform.budgets', run: seedBudgets },
  { table: 'platform.audit_log', run: seedAuditLog },
  { table: 'platform.usage_events', run: seedUsageEvents },
  { table: 'platform.usage_events', bulk: usageEventsAtScale },
  { table: 'platform.usage_hourly', run: seedUsageHourly },
  { table: 'platform.usage_daily', run: seedUsageDaily },
];
