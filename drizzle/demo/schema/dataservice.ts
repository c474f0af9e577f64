/**
 * Schema `dataservice` — reproduces document 000, the DataService V2 sprint-2 migration
 * strategy (not in this repository, see drizzle.config.ts): the six additive ds_* tables of
 * Phase 1 (change set 0003_dataservice_phase1) and the 15 indexes of Phase 2
 * (change set 0004_dataservice_phase2_indexes).
 *
 * Type mapping from the document: VARCHAR(n) → varchar(n), TIMESTAMP → timestamp
 * (without time zone), FLOAT → double precision. The document's SQL relies on
 * PostgreSQL auto-naming, so constraints carry those names here
 * (ds_users_pkey, ds_users_email_key, ds_uploads_owner_id_fkey, ds_uploads_size_bytes_check, …).
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

export const dataservice = pgSchema('dataservice');

/** created_at … deleted_by: the audit + soft-delete block repeated by the document. */
const auditSoftDeleteColumns = () => ({
  createdAt: timestamp('created_at').notNull().defaultNow(),
  updatedAt: timestamp('updated_at').notNull().defaultNow(),
  createdBy: varchar('created_by', { length: 255 }),
  updatedBy: varchar('updated_by', { length: 255 }),
  isDeleted: boolean('is_deleted').notNull().default(false),
  deletedAt: timestamp('deleted_at'),
  deletedBy: varchar('deleted_by', { length: 255 }),
});

/** 1. DataService users with FERPA flags. */
export const dsUsers = dataservice.table(
  'ds_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: varchar('email', { length: 255 }).notNull(),
    displayName: varchar('display_name', { length: 255 }),
    status: varchar('status', { length: 50 }).notNull().default('pending_verification'),
    role: varchar('role', { length: 50 }).notNull().default('consumer'),
    isFerpaCovered: boolean('is_ferpa_covered').notNull().default(false),
    ferpaConsentDate: timestamp('ferpa_consent_date'),
    profileData: jsonb('profile_data'),
    preferences: jsonb('preferences'),
    lastLoginAt: timestamp('last_login_at'),
    loginCount: integer('login_count').notNull().default(0),
    ...auditSoftDeleteColumns(),
  },
  (t) => [
    unique('ds_users_email_key').on(t.email),
    index('ix_ds_users_email_status').on(t.email, t.status),
    index('ix_ds_users_role').on(t.role),
  ],
);

/** 2. B2B provider accounts. */
export const dsProviders = dataservice.table(
  'ds_providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull(),
    segment: varchar('segment', { length: 50 }).notNull(),
    status: varchar('status', { length: 50 }).notNull().default('invited'),
    contactEmail: varchar('contact_email', { length: 255 }).notNull(),
    institutionalDomain: varchar('institutional_domain', { length: 255 }).notNull(),
    apiKeyHash: varchar('api_key_hash', { length: 255 }),
    apiKeyPrefix: varchar('api_key_prefix', { length: 20 }),
    apiKeyCreatedAt: timestamp('api_key_created_at'),
    apiKeyLastUsedAt: timestamp('api_key_last_used_at'),
    isFerpaCovered: boolean('is_ferpa_covered').notNull().default(true),
    dpaSigned: boolean('dpa_signed').notNull().default(false),
    dpaSignedDate: timestamp('dpa_signed_date'),
    contractStartDate: timestamp('contract_start_date'),
    contractEndDate: timestamp('contract_end_date'),
    monthlyFee: doublePrecision('monthly_fee').notNull().default(sql`0.0`),
    metadata: jsonb('metadata'),
    ...auditSoftDeleteColumns(),
  },
  (t) => [
    unique('ds_providers_api_key_hash_key').on(t.apiKeyHash),
    index('ix_ds_providers_segment_status').on(t.segment, t.status),
    index('ix_ds_providers_api_key_prefix').on(t.apiKeyPrefix),
  ],
);

/** 3. File upload metadata. */
export const dsUploads = dataservice.table(
  'ds_uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull(),
    filename: varchar('filename', { length: 500 }).notNull(),
    mimeType: varchar('mime_type', { length: 100 }).notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    isFerpaCovered: boolean('is_ferpa_covered').notNull().default(false),
    status: varchar('status', { length: 50 }).notNull().default('pending'),
    storagePath: varchar('storage_path', { length: 1000 }),
    checksumSha256: varchar('checksum_sha256', { length: 64 }),
    processedAt: timestamp('processed_at'),
    processingError: text('processing_error'),
    metadata: jsonb('metadata'),
    ...auditSoftDeleteColumns(),
  },
  (t) => [
    foreignKey({
      name: 'ds_uploads_owner_id_fkey',
      columns: [t.ownerId],
      foreignColumns: [dsUsers.id],
    }),
    check('ds_uploads_size_bytes_check', sql`size_bytes >= 0`),
    index('ix_ds_uploads_owner_status').on(t.ownerId, t.status),
    index('ix_ds_uploads_ferpa').on(t.isFerpaCovered),
  ],
);

/** 4. Double-entry ledger headers. */
export const dsLedgers = dataservice.table(
  'ds_ledgers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    traceId: uuid('trace_id').notNull(),
    description: text('description'),
    referenceType: varchar('reference_type', { length: 100 }),
    referenceId: uuid('reference_id'),
    validatedAt: timestamp('validated_at'),
    isBalanced: boolean('is_balanced').notNull().default(false),
    metadata: jsonb('metadata'),
    ...auditSoftDeleteColumns(),
  },
  (t) => [
    unique('ds_ledgers_trace_id_key').on(t.traceId),
    index('ix_ds_ledgers_trace_id').on(t.traceId),
    index('ix_ds_ledgers_validated').on(t.validatedAt),
    index('ix_ds_ledgers_reference').on(t.referenceType, t.referenceId),
  ],
);

/** 5. Ledger line items (deleted with their ledger). */
export const dsLedgerEntries = dataservice.table(
  'ds_ledger_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ledgerId: uuid('ledger_id').notNull(),
    accountType: varchar('account_type', { length: 50 }).notNull(),
    accountCode: varchar('account_code', { length: 50 }).notNull(),
    accountName: varchar('account_name', { length: 255 }),
    amount: doublePrecision('amount').notNull(),
    currency: varchar('currency', { length: 3 }).notNull().default('USD'),
    description: text('description'),
    metadata: jsonb('metadata'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'ds_ledger_entries_ledger_id_fkey',
      columns: [t.ledgerId],
      foreignColumns: [dsLedgers.id],
    }).onDelete('cascade'),
    index('ix_ds_ledger_entries_ledger_id').on(t.ledgerId),
    index('ix_ds_ledger_entries_account').on(t.accountType, t.accountCode),
  ],
);

/** 6. Audit trail events. */
export const dsEvents = dataservice.table(
  'ds_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventType: varchar('event_type', { length: 50 }).notNull(),
    userId: uuid('user_id'),
    entityType: varchar('entity_type', { length: 100 }).notNull(),
    entityId: uuid('entity_id').notNull(),
    action: varchar('action', { length: 50 }).notNull(),
    changes: jsonb('changes'),
    ipAddress: varchar('ip_address', { length: 45 }),
    userAgent: varchar('user_agent', { length: 500 }),
    sessionId: varchar('session_id', { length: 100 }),
    isFerpaAccess: boolean('is_ferpa_access').notNull().default(false),
    metadata: jsonb('metadata'),
    createdAt: timestamp('created_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'ds_events_user_id_fkey',
      columns: [t.userId],
      foreignColumns: [dsUsers.id],
    }),
    index('ix_ds_events_entity').on(t.entityType, t.entityId),
    index('ix_ds_events_created').on(t.createdAt),
    index('ix_ds_events_ferpa').on(t.isFerpaAccess, t.createdAt),
    index('ix_ds_events_event_type').on(t.eventType),
  ],
);
