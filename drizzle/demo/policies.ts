/**
 * Retention and classification of every demo table, beside the schema it describes.
 *
 * dataservice follows the "Data Retention" table of document 000 (see drizzle.config.ts)
 * word for word (ds_uploads 90 days after deletion, ds_ledgers and ds_ledger_entries 7 years,
 * ds_events 2 years, ds_users and ds_providers indefinite with soft delete). The other
 * schemas get the policies a careful team would write from document 004's requirements
 * (cited in the notes by their numbers): classification and retention for operational,
 * analytics and audit data, secrets only as hashes, and PII purged within 30 days of a
 * deletion request.
 */
import { retentionPolicy as policy, years } from '../../lib/retention/define-policy';
import type { TablePolicy } from '../../lib/retention/types';
import { dsEvents, dsLedgerEntries, dsLedgers, dsProviders, dsUploads, dsUsers } from './schema/dataservice';
import { dataBoundaryContracts, projectFiles } from './schema/files';
import { commitments, documentLinks, documents, interactions, parties, roles, signals } from './schema/lifegraph';
import { apiKeys, auditLog, budgets, models, organizations, usageDaily, usageEvents, usageHourly, users } from './schema/platform';
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
} from './schema/risk';

const NFR_009 = 'NFR-009: PII is purged within 30 days of a deletion request.';
const LEDGER = 'Document 000: 7 years (compliance).';

export const demoPolicies: TablePolicy[] = [
  // platform — document 004
  policy(organizations, { basis: 'soft-delete', softDelete: { column: 'deletedAt', graceDays: 30 }, from: 'createdAt', note: NFR_009 }),
  policy(users, {
    basis: 'soft-delete',
    from: 'createdAt',
    softDelete: { column: 'deletedAt', graceDays: 30 },
    classification: ['PII'],
    columns: { emailHash: ['PII'], displayName: ['PII'] },
    note: `${NFR_009} E-mail is stored only as an HMAC (NFR-007).`,
  }),
  policy(apiKeys, {
    basis: 'soft-delete',
    from: 'createdAt',
    softDelete: { column: 'deletedAt', graceDays: 30 },
    classification: ['secret'],
    columns: { keyHash: ['secret'] },
    note: 'FR-006 / NFR-007: keys are stored only as hashes with their prefix.',
  }),
  policy(models, { basis: 'indefinite', from: 'createdAt', softDelete: { column: 'deletedAt' }, note: 'Catalogue data; deleted models stay for billing history.' }),
  policy(budgets, { basis: 'indefinite', from: 'createdAt', softDelete: { column: 'deletedAt' }, classification: ['financial'], columns: { limitUsd: ['financial'] } }),
  policy(auditLog, { basis: 'audit-trail', retentionDays: years(2), from: 'occurredAt', note: 'NFR-008 audit trail, kept as long as the dataservice audit events.' }),
  policy(usageEvents, {
    basis: 'rolling-window',
    retentionDays: 400,
    from: 'occurredAt',
    classification: ['financial'],
    columns: { costUsd: ['financial'] },
    note: 'Raw events for 13 months (one billing year plus a dispute month); the rollups keep the history.',
  }),
  policy(usageHourly, { basis: 'rolling-window', retentionDays: 90, from: 'hourStart', classification: ['financial'], note: 'Hourly detail for a quarter; usage_daily keeps the long view.' }),
  policy(usageDaily, { basis: 'compliance-hold', retentionDays: years(7), from: 'day', classification: ['financial'], note: 'Billing evidence: 7 years, like the ledgers.' }),

  // dataservice — document 000, "Data Retention"
  policy(dsUsers, {
    basis: 'indefinite',
    from: 'createdAt',
    softDelete: { column: 'deletedAt' },
    classification: ['PII', 'FERPA'],
    columns: { email: ['PII'], displayName: ['PII'], profileData: ['PII', 'FERPA'], ferpaConsentDate: ['FERPA'] },
    note: 'Document 000: indefinite (soft delete). FERPA-covered students are flagged per row.',
  }),
  policy(dsProviders, {
    basis: 'indefinite',
    from: 'createdAt',
    softDelete: { column: 'deletedAt' },
    classification: ['financial'],
    columns: { contactEmail: ['PII'], apiKeyHash: ['secret'], monthlyFee: ['financial'] },
    note: 'Document 000: indefinite (soft delete).',
  }),
  policy(dsUploads, {
    basis: 'soft-delete',
    from: 'createdAt',
    softDelete: { column: 'deletedAt', graceDays: 90 },
    classification: ['FERPA'],
    columns: { filename: ['PII'], storagePath: ['FERPA'] },
    note: 'Document 000: 90 days after deletion.',
  }),
  policy(dsLedgers, { basis: 'compliance-hold', retentionDays: years(7), from: 'createdAt', classification: ['financial'], note: LEDGER }),
  policy(dsLedgerEntries, {
    basis: 'compliance-hold',
    retentionDays: years(7),
    from: 'createdAt',
    classification: ['financial'],
    columns: { amount: ['financial'], accountCode: ['financial'] },
    note: LEDGER,
  }),
  policy(dsEvents, {
    basis: 'audit-trail',
    retentionDays: years(2),
    from: 'createdAt',
    classification: ['FERPA'],
    columns: { ipAddress: ['PII'], userAgent: ['PII'] },
    note: 'Document 000: 2 years (audit trail). FERPA accesses are flagged per row.',
  }),

  // files
  policy(dataBoundaryContracts, { basis: 'indefinite', from: 'createdAt', note: 'Contracts define what files may hold; they stay while any file refers to them.' }),
  policy(projectFiles, { basis: 'indefinite', from: 'createdAt', columns: { uiName: ['PII'] }, note: 'Each file carries its own data_classification.' }),

  // lifegraph: a person's documents and obligations
  policy(documents, { basis: 'indefinite', from: 'createdAt', classification: ['PII'], columns: { title: ['PII'], extractionData: ['PII'] } }),
  policy(parties, { basis: 'indefinite', from: 'createdAt', classification: ['PII'], columns: { name: ['PII'], taxId: ['PII', 'secret'], contactJson: ['PII'] } }),
  policy(roles, { basis: 'indefinite', from: 'createdAt' }),
  policy(commitments, { basis: 'indefinite', from: 'createdAt', classification: ['PII'] }),
  policy(signals, { basis: 'rolling-window', retentionDays: 180, from: 'receivedAt', classification: ['PII'], columns: { payloadJson: ['PII'] }, note: 'Raw inbound signals; what matters is extracted into commitments.' }),
  policy(documentLinks, { basis: 'indefinite', from: 'createdAt' }),
  policy(interactions, { basis: 'audit-trail', retentionDays: years(2), from: 'createdAt' }),

  // risk: a trading account's rules, positions and history
  policy(lockouts, { basis: 'rolling-window', retentionDays: 365, from: 'lockedAt' }),
  policy(dailyPnl, { basis: 'compliance-hold', retentionDays: years(7), from: 'date', classification: ['financial'] }),
  policy(contractCache, { basis: 'rolling-window', retentionDays: 7, from: 'cachedAt', note: 'A cache: rows older than a week are refetched anyway.' }),
  policy(tradeHistory, { basis: 'compliance-hold', retentionDays: years(7), from: 'timestamp', classification: ['financial'] }),
  policy(sessionState, { basis: 'rolling-window', retentionDays: 90, from: 'updatedAt' }),
  policy(positions, { basis: 'indefinite', from: 'openedAt', classification: ['financial'] }),
  policy(orders, { basis: 'compliance-hold', retentionDays: years(7), from: 'createdAt', classification: ['financial'] }),
  policy(enforcementLog, { basis: 'audit-trail', retentionDays: years(2), from: 'timestamp' }),
  policy(resetSchedule, { basis: 'indefinite' }),
  policy(schemaVersion, { basis: 'indefinite', from: 'appliedAt', note: 'The risk service’s own migration record.' }),
  policy(dailyUnrealizedPnl, { basis: 'compliance-hold', retentionDays: years(7), from: 'timestamp', classification: ['financial'] }),
];
