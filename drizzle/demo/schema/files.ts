/**
 * Schema `files` — reproduces document 003, a migration strategy for the `project_files`
 * file-metadata store, from its deployed schema to a new architecture (not in this
 * repository, see drizzle.config.ts).
 *
 * Change sets:
 *   0010_files_project_files_base        — the deployed base table (document's 001; no session_id:
 *       it is a runtime concept kept inside materialization_scope);
 *   0011_files_data_boundary_contracts   — document's 003 (new table);
 *   0012_files_boundary_columns          — document's 004 (ADD COLUMN IF NOT EXISTS on the live table);
 *   0013_files_default_contracts_backfill — document's 005 (data: default contract per file root);
 *   0014_files_workspace_scope_backfill  — document's 006 (data: "workspace" key in every scope).
 *
 * The document lists 001's columns but not their SQL: types, defaults and CHECKs are
 * invented. Constraint names follow PostgreSQL's auto-naming.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const files = pgSchema('files');

// ---------------------------------------------------------------------------
// 0011_files_data_boundary_contracts
// ---------------------------------------------------------------------------

/** Data boundary contract: what a materialization may see (`scope`). */
export const dataBoundaryContracts = files.table(
  'data_boundary_contracts',
  {
    contractId: uuid('contract_id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    contractKind: text('contract_kind').notNull(),
    scope: jsonb('scope').notNull().default(sql`'{}'::jsonb`),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [
    check('data_boundary_contracts_contract_kind_check', sql`contract_kind IN ('default', 'custom')`),
  ],
);

// ---------------------------------------------------------------------------
// 0010_files_project_files_base (+ columns of 0012)
// ---------------------------------------------------------------------------

/** File metadata with processing state, lineage and access control. */
export const projectFiles = files.table(
  'project_files',
  {
    fileUuid: uuid('file_uuid').primaryKey().defaultRandom(),
    uiName: text('ui_name').notNull(),
    filePath: text('file_path').notNull(),
    fileType: text('file_type'),
    mimeType: text('mime_type'),
    size: bigint('size', { mode: 'number' }),
    processingStatus: text('processing_status').notNull().default('pending'),
    processingErrors: jsonb('processing_errors'),
    rootFileUuid: uuid('root_file_uuid'),
    parentFileUuid: uuid('parent_file_uuid'),
    lineageDepth: integer('lineage_depth').notNull().default(0),
    accessLevel: text('access_level').notNull().default('private'),
    permissions: jsonb('permissions').notNull().default(sql`'{}'::jsonb`),
    dataClassification: text('data_classification').notNull().default('internal'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // document's 004 (0012): boundary contract support, all nullable
    boundaryContractId: uuid('boundary_contract_id'),
    representationType: text('representation_type'),
    /** Runtime scope of a materialization (holds session_id, workspace, …). */
    materializationScope: jsonb('materialization_scope'),
  },
  (t) => [
    foreignKey({
      name: 'project_files_boundary_contract_id_fkey',
      columns: [t.boundaryContractId],
      foreignColumns: [dataBoundaryContracts.contractId],
    }),
    foreignKey({
      name: 'project_files_root_file_uuid_fkey',
      columns: [t.rootFileUuid],
      foreignColumns: [t.fileUuid],
    }).onDelete('set null'),
    foreignKey({
      name: 'project_files_parent_file_uuid_fkey',
      columns: [t.parentFileUuid],
      foreignColumns: [t.fileUuid],
    }).onDelete('set null'),
    check('project_files_size_check', sql`size >= 0`),
    check(
      'project_files_processing_status_check',
      sql`processing_status IN ('pending', 'processing', 'completed', 'failed')`,
    ),
    check('project_files_lineage_depth_check', sql`lineage_depth >= 0`),
    check(
      'project_files_access_level_check',
      sql`access_level IN ('private', 'project', 'organization', 'public')`,
    ),
    check(
      'project_files_data_classification_check',
      sql`data_classification IN ('public', 'internal', 'confidential', 'restricted')`,
    ),
    index('project_files_root_file_uuid_idx').on(t.rootFileUuid),
    index('project_files_parent_file_uuid_idx').on(t.parentFileUuid),
    index('project_files_processing_status_idx').on(t.processingStatus),
  ],
);
