/**
 * Schema `platform` — reproduces the AI platform data model of document 004, a feature
 * specification for database schemas and migrations (not in this repository, see
 * drizzle.config.ts): organizations, users, API keys, model registry, budgets and the
 * immutable audit log (soft delete and audit columns, secrets only as keyed hashes), the
 * monthly RANGE-partitioned usage fact table and the hourly/daily rollups.
 *
 * Change sets: 0000_platform_core, 0001_platform_usage_events, 0002_platform_usage_rollups.
 *
 * Constraint and index names follow PostgreSQL's own auto-naming
 * (`<table>_pkey`, `<table>_<cols>_key`, `<table>_<col>_fkey`, `<table>_<col>_check`,
 * `<table>_<cols>_idx`) so the TypeScript schema and the live catalog agree.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';

export const platform = pgSchema('platform');

/** created_at/updated_at/created_by/updated_by: the audit columns. */
const auditColumns = () => ({
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  createdBy: text('created_by'),
  updatedBy: text('updated_by'),
});

/** deleted_at/deleted_by: soft delete (a row is live while deleted_at IS NULL). */
const softDeleteColumns = () => ({
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  deletedBy: text('deleted_by'),
});

// ---------------------------------------------------------------------------
// 0000_platform_core
// ---------------------------------------------------------------------------

/** Tenant: an organization. */
export const organizations = platform.table(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    status: text('status').notNull().default('active'),
    ...auditColumns(),
    ...softDeleteColumns(),
  },
  (t) => [
    unique('organizations_slug_key').on(t.slug),
    check('organizations_status_check', sql`status IN ('active', 'suspended', 'closed')`),
  ],
);

/**
 * Individual account of an organization. The e-mail address is never stored:
 * `email_hash` is the lowercase hex HMAC-SHA256 of the normalised address keyed by the
 * environment variable EMAIL_HASH_KEY, unique per organization.
 */
export const users = platform.table(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id').notNull(),
    emailHash: text('email_hash').notNull(),
    displayName: text('display_name'),
    role: text('role').notNull().default('member'),
    status: text('status').notNull().default('active'),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    ...auditColumns(),
    ...softDeleteColumns(),
  },
  (t) => [
    foreignKey({
      name: 'users_organization_id_fkey',
      columns: [t.organizationId],
      foreignColumns: [organizations.id],
    }).onDelete('cascade'),
    unique('users_organization_id_email_hash_key').on(t.organizationId, t.emailHash),
    check('users_email_hash_check', sql`email_hash ~ '^[0-9a-f]{64}$'`),
    check('users_role_check', sql`role IN ('owner', 'admin', 'member', 'viewer')`),
    check('users_status_check', sql`status IN ('invited', 'active', 'disabled')`),
  ],
);

/** API credential: only the hash of the secret and a short display prefix are stored. */
export const apiKeys = platform.table(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id'),
    name: text('name').notNull(),
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    status: text('status').notNull().default('active'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...auditColumns(),
    ...softDeleteColumns(),
  },
  (t) => [
    foreignKey({
      name: 'api_keys_organization_id_fkey',
      columns: [t.organizationId],
      foreignColumns: [organizations.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'api_keys_user_id_fkey',
      columns: [t.userId],
      foreignColumns: [users.id],
    }).onDelete('set null'),
    unique('api_keys_key_hash_key').on(t.keyHash),
    check('api_keys_status_check', sql`status IN ('active', 'revoked', 'expired')`),
    index('api_keys_organization_id_idx').on(t.organizationId),
    index('api_keys_user_id_idx').on(t.userId),
  ],
);

/** Model registry entry: one row per (name, version) with its cost parameters. */
export const models = platform.table(
  'models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    version: text('version').notNull(),
    provider: text('provider').notNull(),
    config: jsonb('config').notNull().default(sql`'{}'::jsonb`),
    inputCostPer1kTokens: numeric('input_cost_per_1k_tokens', { precision: 12, scale: 6 })
      .notNull()
      .default('0'),
    outputCostPer1kTokens: numeric('output_cost_per_1k_tokens', { precision: 12, scale: 6 })
      .notNull()
      .default('0'),
    status: text('status').notNull().default('active'),
    ...auditColumns(),
    ...softDeleteColumns(),
  },
  (t) => [
    unique('models_name_version_key').on(t.name, t.version),
    check('models_status_check', sql`status IN ('active', 'deprecated', 'retired')`),
    check(
      'models_cost_check',
      sql`input_cost_per_1k_tokens >= 0 AND output_cost_per_1k_tokens >= 0`,
    ),
  ],
);

/**
 * Spending limit of an organization for a recurring period. The budget window is
 * [window_start, window_end) — `window` itself is a reserved word in PostgreSQL.
 */
export const budgets = platform.table(
  'budgets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id').notNull(),
    period: text('period').notNull(),
    limitUsd: numeric('limit_usd', { precision: 12, scale: 2 }).notNull(),
    alertThreshold: numeric('alert_threshold', { precision: 3, scale: 2 }).notNull().default('0.80'),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }),
    ...auditColumns(),
    ...softDeleteColumns(),
  },
  (t) => [
    foreignKey({
      name: 'budgets_organization_id_fkey',
      columns: [t.organizationId],
      foreignColumns: [organizations.id],
    }).onDelete('cascade'),
    unique('budgets_organization_id_period_window_start_key').on(
      t.organizationId,
      t.period,
      t.windowStart,
    ),
    check('budgets_period_check', sql`period IN ('daily', 'weekly', 'monthly', 'quarterly', 'yearly')`),
    check('budgets_limit_usd_check', sql`limit_usd >= 0`),
    check('budgets_alert_threshold_check', sql`alert_threshold > 0 AND alert_threshold <= 1`),
    check('budgets_window_check', sql`window_end IS NULL OR window_end > window_start`),
  ],
);

/**
 * Immutable record of schema and configuration changes: append-only, no soft delete, no foreign keys (entries outlive what they describe).
 */
export const auditLog = platform.table(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    changeSummary: text('change_summary'),
    payloadChecksum: text('payload_checksum'),
    context: jsonb('context').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    check('audit_log_payload_checksum_check', sql`payload_checksum ~ '^[0-9a-f]{64}$'`),
    index('audit_log_occurred_at_idx').on(t.occurredAt),
    index('audit_log_entity_type_entity_id_idx').on(t.entityType, t.entityId),
  ],
);

// ---------------------------------------------------------------------------
// 0001_platform_usage_events
// ---------------------------------------------------------------------------

/**
 * Per-request usage fact (one usage event). In the database this table is
 * `PARTITION BY RANGE (occurred_at)` with one partition per month
 * (usage_events_y2026m01 … usage_events_y2027m12) plus usage_events_default; drizzle-kit
 * has no notion of partitioning, so the migration SQL adds that by hand and the
 * partitions are not declared here. The primary key includes the partition key, as
 * PostgreSQL requires; no identity column (identity on partitioned tables needs PG 17).
 */
export const usageEvents = platform.table(
  'usage_events',
  {
    id: uuid('id').notNull().defaultRandom(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id'),
    apiKeyId: uuid('api_key_id'),
    modelId: uuid('model_id').notNull(),
    requestId: text('request_id'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    latencyMs: integer('latency_ms'),
    status: text('status').notNull(),
    costUsd: numeric('cost_usd', { precision: 12, scale: 6 }).notNull().default('0'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    // 0019: input_tokens + output_tokens, stored for the rollups and the billing export; filled
    // for existing rows by a batched backfill (-- strata:batched), nullable until then.
    totalTokens: integer('total_tokens'),
  },
  (t) => [
    primaryKey({ name: 'usage_events_pkey', columns: [t.id, t.occurredAt] }),
    foreignKey({
      name: 'usage_events_organization_id_fkey',
      columns: [t.organizationId],
      foreignColumns: [organizations.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'usage_events_user_id_fkey',
      columns: [t.userId],
      foreignColumns: [users.id],
    }).onDelete('set null'),
    foreignKey({
      name: 'usage_events_api_key_id_fkey',
      columns: [t.apiKeyId],
      foreignColumns: [apiKeys.id],
    }).onDelete('set null'),
    foreignKey({
      name: 'usage_events_model_id_fkey',
      columns: [t.modelId],
      foreignColumns: [models.id],
    }).onDelete('restrict'),
    check('usage_events_status_check', sql`status IN ('ok', 'error', 'timeout')`),
    check('usage_events_input_tokens_check', sql`input_tokens >= 0`),
    check('usage_events_output_tokens_check', sql`output_tokens >= 0`),
    check('usage_events_latency_ms_check', sql`latency_ms >= 0`),
    index('usage_events_org_time_idx').on(t.organizationId, t.occurredAt),
    index('usage_events_model_time_idx').on(t.modelId, t.occurredAt),
    // 0018: the two foreign keys without an index (lint: foreign-key-without-index) — deleting
    // a user or revoking a key would otherwise scan every partition to check references.
    index('usage_events_user_id_idx').on(t.userId),
    index('usage_events_api_key_id_idx').on(t.apiKeyId),
  ],
);

// ---------------------------------------------------------------------------
// 0002_platform_usage_rollups
// ---------------------------------------------------------------------------

/**
 * Rollup metric columns shared by usage_hourly and usage_daily. `computed_at` records the
 * last (re)aggregation so late-arriving events can be reconciled by recomputing a window.
 */
const rollupColumns = () => ({
  requestCount: bigint('request_count', { mode: 'number' }).notNull().default(0),
  errorCount: bigint('error_count', { mode: 'number' }).notNull().default(0),
  inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
  outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
  costUsd: numeric('cost_usd', { precision: 14, scale: 6 }).notNull().default('0'),
  p95LatencyMs: integer('p95_latency_ms'),
  computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Hourly usage per organization and model. */
export const usageHourly = platform.table(
  'usage_hourly',
  {
    organizationId: uuid('organization_id').notNull(),
    modelId: uuid('model_id').notNull(),
    hourStart: timestamp('hour_start', { withTimezone: true }).notNull(),
    ...rollupColumns(),
  },
  (t) => [
    primaryKey({ name: 'usage_hourly_pkey', columns: [t.organizationId, t.modelId, t.hourStart] }),
    foreignKey({
      name: 'usage_hourly_organization_id_fkey',
      columns: [t.organizationId],
      foreignColumns: [organizations.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'usage_hourly_model_id_fkey',
      columns: [t.modelId],
      foreignColumns: [models.id],
    }).onDelete('restrict'),
    check('usage_hourly_error_count_check', sql`error_count >= 0 AND error_count <= request_count`),
    index('usage_hourly_organization_id_hour_start_idx').on(t.organizationId, t.hourStart),
    index('usage_hourly_model_id_hour_start_idx').on(t.modelId, t.hourStart),
  ],
);

/** Daily usage per organization and model (UTC days). */
export const usageDaily = platform.table(
  'usage_daily',
  {
    organizationId: uuid('organization_id').notNull(),
    modelId: uuid('model_id').notNull(),
    day: date('day').notNull(),
    ...rollupColumns(),
  },
  (t) => [
    primaryKey({ name: 'usage_daily_pkey', columns: [t.organizationId, t.modelId, t.day] }),
    foreignKey({
      name: 'usage_daily_organization_id_fkey',
      columns: [t.organizationId],
      foreignColumns: [organizations.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'usage_daily_model_id_fkey',
      columns: [t.modelId],
      foreignColumns: [models.id],
    }).onDelete('restrict'),
    check('usage_daily_error_count_check', sql`error_count >= 0 AND error_count <= request_count`),
    index('usage_daily_organization_id_day_idx').on(t.organizationId, t.day),
    index('usage_daily_model_id_day_idx').on(t.modelId, t.day),
  ],
);
