/**
 * Schema `lifegraph` — reproduces document 002, the migration guide of the Life Graph
 * foundation, written for PostgreSQL and Alembic (not in this repository, see drizzle.config.ts).
 *
 * Change sets:
 *   0005_lifegraph_documents_baseline — the pre-existing `documents` table the guide's
 *       migration 003 enhances (its original shape is not in the document: invented here);
 *   0006_lifegraph_extensions        — migration 001 (pgcrypto, pg_trgm, btree_gist; custom SQL);
 *   0007_lifegraph_core              — migration 002 (enums, parties, roles, commitments);
 *   0008_lifegraph_enhance_documents — migration 003 (ALTER TABLE documents ADD COLUMN …);
 *   0009_lifegraph_signals_links     — migration 004 (signals, document_links, interactions).
 *
 * The document's SQL relies on PostgreSQL auto-naming, so constraints carry those names
 * here (parties_pkey, parties_kind_check, roles_party_id_fkey, documents_sha256_key, …).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
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
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

export const lifegraph = pgSchema('lifegraph');

// ---------------------------------------------------------------------------
// 0005_lifegraph_documents_baseline (+ columns and indexes of 0008)
// ---------------------------------------------------------------------------

/**
 * Documents (PDFs, images). The first five columns are the baseline that exists before
 * the guide's migrations; the rest are added by migration 003 exactly as the guide wrote
 * them — including `source` and `storage_uri` NOT NULL without a default, which fails on
 * a table that already has rows (kept on purpose: the linter demo catches it).
 */
export const documents = lifegraph.table(
  'documents',
  {
    // baseline (0005)
    id: uuid('id').primaryKey().defaultRandom(),
    title: varchar('title', { length: 500 }).notNull(),
    ownerId: uuid('owner_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // guide migration 003 (0008)
    sha256: varchar('sha256', { length: 64 }),
    source: varchar('source', { length: 50 }).notNull(),
    mimeType: varchar('mime_type', { length: 100 }),
    fileSize: bigint('file_size', { mode: 'number' }),
    storageUri: text('storage_uri').notNull(),
    extractionType: varchar('extraction_type', { length: 50 }),
    extractionData: jsonb('extraction_data'),
    extractionCost: numeric('extraction_cost', { precision: 10, scale: 4 }),
    extractedAt: timestamp('extracted_at', { withTimezone: true }),
  },
  (t) => [
    unique('documents_sha256_key').on(t.sha256),
    uniqueIndex('idx_documents_sha256').on(t.sha256),
    index('idx_documents_source').on(t.source),
    index('idx_documents_extraction_type')
      .on(t.extractionType)
      .where(sql`extraction_type IS NOT NULL`),
    index('idx_documents_created').on(t.createdAt.desc().nullsFirst()),
  ],
);

// ---------------------------------------------------------------------------
// 0007_lifegraph_core (guide migration 002)
// ---------------------------------------------------------------------------

export const commitmentType = lifegraph.enum('commitment_type', [
  'obligation',
  'responsibility',
  'goal',
  'routine',
  'appointment',
  'compliance',
]);

export const commitmentState = lifegraph.enum('commitment_state', [
  'proposed',
  'accepted',
  'active',
  'paused',
  'fulfilled',
  'canceled',
  'delinquent',
]);

/** Vendors, customers, contacts (people and organizations). */
export const parties = lifegraph.table(
  'parties',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: varchar('kind', { length: 20 }).notNull(),
    name: varchar('name', { length: 255 }).notNull(),
    taxId: varchar('tax_id', { length: 50 }),
    contactJson: jsonb('contact_json').default(sql`'{}'::jsonb`),
    metadata: jsonb('metadata').default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('parties_kind_check', sql`kind IN ('person', 'org')`),
    index('idx_parties_name_trgm').using('gin', t.name.op('gin_trgm_ops')),
    index('idx_parties_kind').on(t.kind),
    index('idx_parties_tax_id').on(t.taxId).where(sql`tax_id IS NOT NULL`),
  ],
);

/** Context-specific identities ("Employee", "Parent", "Taxpayer"). */
export const roles = lifegraph.table(
  'roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partyId: uuid('party_id').notNull(),
    userId: uuid('user_id').notNull(),
    roleName: varchar('role_name', { length: 100 }).notNull(),
    domainTags: text('domain_tags').array().default(sql`'{}'`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'roles_party_id_fkey',
      columns: [t.partyId],
      foreignColumns: [parties.id],
    }).onDelete('cascade'),
    index('idx_roles_user').on(t.userId),
    index('idx_roles_party').on(t.partyId),
    index('idx_roles_domains').using('gin', t.domainTags),
  ],
);

/** Obligations, goals, routines, appointments. */
export const commitments = lifegraph.table(
  'commitments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roleId: uuid('role_id').notNull(),
    commitmentType: commitmentType('commitment_type').notNull(),
    title: varchar('title', { length: 500 }).notNull(),
    description: text('description'),
    source: varchar('source', { length: 50 }).notNull(),
    counterpartyId: uuid('counterparty_id'),

    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    rrule: text('rrule'),

    priority: integer('priority').default(50),
    state: commitmentState('state').notNull().default('accepted'),
    severity: integer('severity').default(0),
    domainTags: text('domain_tags').array().default(sql`'{}'`),

    reason: text('reason'),
    metadata: jsonb('metadata').default(sql`'{}'::jsonb`),
  },
  (t) => [
    foreignKey({
      name: 'commitments_role_id_fkey',
      columns: [t.roleId],
      foreignColumns: [roles.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'commitments_counterparty_id_fkey',
      columns: [t.counterpartyId],
      foreignColumns: [parties.id],
    }),
    check(
      'commitments_source_check',
      sql`source IN ('email', 'doc', 'vision_extract', 'api', 'manual')`,
    ),
    check('commitments_priority_check', sql`priority BETWEEN 0 AND 100`),
    index('idx_commitments_role').on(t.roleId),
    index('idx_commitments_state_due').on(t.state, t.dueAt),
    index('idx_commitments_priority').on(t.priority.desc().nullsFirst()),
    index('idx_commitments_domains').using('gin', t.domainTags),
    index('idx_commitments_counterparty')
      .on(t.counterpartyId)
      .where(sql`counterparty_id IS NOT NULL`),
  ],
);

// ---------------------------------------------------------------------------
// 0009_lifegraph_signals_links (guide migration 004)
// ---------------------------------------------------------------------------

/** Raw inputs awaiting classification. */
export const signals = lifegraph.table(
  'signals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: varchar('source', { length: 50 }).notNull(),
    payloadJson: jsonb('payload_json').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    status: varchar('status', { length: 50 }).notNull().default('new'),
    dedupeKey: varchar('dedupe_key', { length: 255 }),

    extractionId: uuid('extraction_id'),
    extractionCost: numeric('extraction_cost', { precision: 10, scale: 4 }),
  },
  (t) => [
    foreignKey({
      name: 'signals_extraction_id_fkey',
      columns: [t.extractionId],
      foreignColumns: [documents.id],
    }),
    unique('signals_dedupe_key_key').on(t.dedupeKey),
    check('signals_source_check', sql`source IN ('vision_upload', 'email', 'api', 'manual')`),
    check('signals_status_check', sql`status IN ('new', 'processing', 'attached', 'archived')`),
    index('idx_signals_status').on(t.status),
    index('idx_signals_received').on(t.receivedAt.desc().nullsFirst()),
    uniqueIndex('idx_signals_dedupe').on(t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
  ],
);

/** Polymorphic linking (document → any entity). */
export const documentLinks = lifegraph.table(
  'document_links',
  {
    documentId: uuid('document_id').notNull(),
    entityType: varchar('entity_type', { length: 50 }).notNull(),
    entityId: uuid('entity_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({
      name: 'document_links_pkey',
      columns: [t.documentId, t.entityType, t.entityId],
    }),
    foreignKey({
      name: 'document_links_document_id_fkey',
      columns: [t.documentId],
      foreignColumns: [documents.id],
    }).onDelete('cascade'),
    index('idx_doclinks_entity').on(t.entityType, t.entityId),
    index('idx_doclinks_document').on(t.documentId),
  ],
);

/** Immutable audit log (event sourcing). */
export const interactions = lifegraph.table(
  'interactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: varchar('type', { length: 50 }).notNull(),
    actorType: varchar('actor_type', { length: 20 }).notNull(),
    actorId: uuid('actor_id'),

    primaryEntityType: varchar('primary_entity_type', { length: 50 }).notNull(),
    primaryEntityId: uuid('primary_entity_id').notNull(),

    relatedEntities: jsonb('related_entities').default(sql`'[]'::jsonb`),
    metadata: jsonb('metadata').default(sql`'{}'::jsonb`),
    cost: numeric('cost', { precision: 10, scale: 4 }),

    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('idx_interactions_entity').on(t.primaryEntityType, t.primaryEntityId),
    index('idx_interactions_type').on(t.type),
    index('idx_interactions_created').on(t.createdAt.desc().nullsFirst()),
    index('idx_interactions_actor').on(t.actorType, t.actorId).where(sql`actor_id IS NOT NULL`),
  ],
);
