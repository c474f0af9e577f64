/**
 * Seed for schema `files` (the `project_files` metadata store and its data boundary
 * contracts, drizzle/demo/schema/files.ts). Three workspaces (research, finance, marketing) with file
 * lineage trees — raw uploads, cleaned representations, derived reports and session
 * materializations — each file under the default contract of its root (the contract id the
 * 0013 backfill would give it: md5('migration:0013:' || root)::uuid) or a custom contract.
 */
import { dataBoundaryContracts, projectFiles } from '../../drizzle/demo/schema/files';
import { DAY, HOUR, MINUTE, at, seedUuid, upsertRows } from '../../lib/seed/helpers';
import type { SeedDb, SeedStep } from '../../lib/seed/types';
import { SEED_ACTOR, daysAgo, utc } from './clock';

type Status = 'pending' | 'processing' | 'completed' | 'failed';
type Access = 'private' | 'project' | 'organization' | 'public';
type Classification = 'public' | 'internal' | 'confidential' | 'restricted';

interface FileSpec {
  key: string;
  path: string;
  parent?: string;
  type: string;
  mime: string;
  size: number;
  status: Status;
  access: Access;
  classification: Classification;
  representation: string;
  createdAt: Date;
  errors?: unknown[];
  /** A session materialization: its custom contract and session. */
  session?: { contract: string; id: string };
}

const FILES: FileSpec[] = [
  // research
  { key: 'r-survey', path: 'research/raw/q3-customer-survey.csv', type: 'csv', mime: 'text/csv', size: 18_440_120, status: 'completed', access: 'project', classification: 'confidential', representation: 'raw', createdAt: utc('2026-10-01 09:12') },
  { key: 'r-survey-clean', parent: 'r-survey', path: 'research/clean/q3-customer-survey.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 4_102_331, status: 'completed', access: 'project', classification: 'confidential', representation: 'normalized', createdAt: utc('2026-10-01 09:20') },
  { key: 'r-survey-summary', parent: 'r-survey-clean', path: 'research/derived/q3-survey-summary.json', type: 'json', mime: 'application/json', size: 48_210, status: 'completed', access: 'organization', classification: 'internal', representation: 'summary', createdAt: utc('2026-10-01 09:31') },
  { key: 'r-survey-embeddings', parent: 'r-survey-clean', path: 'research/derived/q3-survey-embeddings.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 61_003_554, status: 'processing', access: 'project', classification: 'confidential', representation: 'embedding', createdAt: daysAgo(0, -2) },
  { key: 'r-survey-drilldown', parent: 'r-survey-clean', path: 'research/sessions/s-7f3a/q3-segment-drilldown.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 902_118, status: 'completed', access: 'private', classification: 'confidential', representation: 'materialized_view', createdAt: daysAgo(1, 14), session: { contract: 'research-sandbox', id: 's-7f3a2c91' } },
  { key: 'r-interviews', path: 'research/raw/interview-notes-batch-4.pdf', type: 'pdf', mime: 'application/pdf', size: 3_344_087, status: 'completed', access: 'project', classification: 'confidential', representation: 'raw', createdAt: utc('2026-10-20 16:40') },
  { key: 'r-interviews-text', parent: 'r-interviews', path: 'research/clean/interview-notes-batch-4.txt', type: 'txt', mime: 'text/plain', size: 211_904, status: 'completed', access: 'project', classification: 'confidential', representation: 'text', createdAt: utc('2026-10-20 16:44') },
  { key: 'r-pricing', path: 'research/raw/competitor-pricing.xlsx', type: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 1_208_775, status: 'failed', access: 'project', classification: 'internal', representation: 'raw', createdAt: utc('2026-11-03 11:05'), errors: [{ code: 'UNSUPPORTED_FORMULA', sheet: 'Q4', cell: 'F17', message: 'External workbook reference cannot be resolved' }] },
  // finance
  { key: 'f-gl-10', path: 'finance/raw/2026-10-general-ledger.csv', type: 'csv', mime: 'text/csv', size: 9_811_240, status: 'completed', access: 'project', classification: 'restricted', representation: 'raw', createdAt: utc('2026-11-02 07:00') },
  { key: 'f-gl-10-clean', parent: 'f-gl-10', path: 'finance/clean/2026-10-general-ledger.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 2_441_090, status: 'completed', access: 'project', classification: 'restricted', representation: 'normalized', createdAt: utc('2026-11-02 07:06') },
  { key: 'f-pnl-10', parent: 'f-gl-10-clean', path: 'finance/reports/2026-10-pnl.pdf', type: 'pdf', mime: 'application/pdf', size: 188_702, status: 'completed', access: 'organization', classification: 'confidential', representation: 'report', createdAt: utc('2026-11-02 07:30') },
  { key: 'f-audit-sample', parent: 'f-gl-10-clean', path: 'finance/sessions/s-91bc/audit-sample.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 120_554, status: 'completed', access: 'private', classification: 'restricted', representation: 'materialized_view', createdAt: daysAgo(3, 10), session: { contract: 'external-auditor', id: 's-91bc04e7' } },
  { key: 'f-gl-09', path: 'finance/raw/2026-09-general-ledger.csv', type: 'csv', mime: 'text/csv', size: 9_402_118, status: 'completed', access: 'project', classification: 'restricted', representation: 'raw', createdAt: utc('2026-10-02 07:00') },
  { key: 'f-gl-09-clean', parent: 'f-gl-09', path: 'finance/clean/2026-09-general-ledger.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 2_338_410, status: 'completed', access: 'project', classification: 'restricted', representation: 'normalized', createdAt: utc('2026-10-02 07:05') },
  { key: 'f-pnl-09', parent: 'f-gl-09-clean', path: 'finance/reports/2026-09-pnl.pdf', type: 'pdf', mime: 'application/pdf', size: 181_044, status: 'completed', access: 'organization', classification: 'confidential', representation: 'report', createdAt: utc('2026-10-02 07:28') },
  { key: 'f-vendor-contracts', path: 'finance/raw/vendor-contracts-2026.zip', type: 'zip', mime: 'application/zip', size: 55_120_009, status: 'pending', access: 'private', classification: 'restricted', representation: 'raw', createdAt: daysAgo(0, -1) },
  { key: 'f-finance-sample', parent: 'f-gl-09-clean', path: 'finance/sessions/s-3d77/variance-check.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 88_410, status: 'completed', access: 'private', classification: 'confidential', representation: 'materialized_view', createdAt: daysAgo(20, 15), session: { contract: 'finance-analysts', id: 's-3d77ab10' } },
  // marketing
  { key: 'm-campaign', path: 'marketing/raw/campaign-spring-2026.csv', type: 'csv', mime: 'text/csv', size: 2_884_903, status: 'completed', access: 'organization', classification: 'internal', representation: 'raw', createdAt: utc('2026-06-10 13:00') },
  { key: 'm-campaign-clean', parent: 'm-campaign', path: 'marketing/clean/campaign-spring-2026.parquet', type: 'parquet', mime: 'application/vnd.apache.parquet', size: 640_771, status: 'completed', access: 'organization', classification: 'internal', representation: 'normalized', createdAt: utc('2026-06-10 13:04') },
  { key: 'm-dashboard', parent: 'm-campaign-clean', path: 'marketing/reports/campaign-dashboard.json', type: 'json', mime: 'application/json', size: 31_220, status: 'completed', access: 'public', classification: 'public', representation: 'summary', createdAt: utc('2026-06-10 13:15') },
  { key: 'm-brand', path: 'marketing/assets/brand-guidelines-2026.pdf', type: 'pdf', mime: 'application/pdf', size: 14_220_918, status: 'completed', access: 'public', classification: 'public', representation: 'raw', createdAt: utc('2026-02-01 10:00') },
  { key: 'm-web-oct', path: 'marketing/raw/web-analytics-2026-10.json', type: 'json', mime: 'application/json', size: 7_903_112, status: 'processing', access: 'organization', classification: 'internal', representation: 'raw', createdAt: daysAgo(0, -5) },
];

const fileId = (key: string) => seedUuid(`files.project_files:${key}`);
const byKey = new Map(FILES.map((f) => [f.key, f]));

function rootOf(f: FileSpec): FileSpec {
  let current = f;
  while (current.parent) current = byKey.get(current.parent)!;
  return current;
}

function depthOf(f: FileSpec): number {
  let depth = 0;
  for (let current = f; current.parent; current = byKey.get(current.parent)!) depth++;
  return depth;
}

const workspaceOf = (f: FileSpec) => f.path.split('/')[0]!;
/** The 0013 backfill's id for a root's default contract. */
const defaultContractId = (root: FileSpec) => seedUuid(`migration:0013:${fileId(root.key)}`);
const customContractId = (key: string) => seedUuid(`files.data_boundary_contracts:${key}`);

const CUSTOM_CONTRACTS = [
  { key: 'research-sandbox', scope: { workspace: 'research', session_scoped: true, allowed_classifications: ['internal', 'confidential'], max_rows: 100000 }, createdAt: utc('2026-09-01 10:00'), createdBy: 'user:mei.lin' },
  { key: 'external-auditor', scope: { workspace: 'finance', read_only: true, allowed_classifications: ['restricted', 'confidential'], expires_at: '2026-12-31T23:59:59Z', grantee: 'auditor@kpmg.example' }, createdAt: utc('2026-11-01 09:00'), createdBy: 'user:daniel.okafor' },
  { key: 'finance-analysts', scope: { workspace: 'finance', allowed_classifications: ['internal', 'confidential'], pii: 'masked' }, createdAt: utc('2026-05-12 15:30'), createdBy: 'user:priya.raman' },
];

async function seedContracts(db: SeedDb): Promise<number> {
  const roots = FILES.filter((f) => !f.parent);
  return upsertRows(db, dataBoundaryContracts, [
    ...roots.map((root) => ({
      contractId: defaultContractId(root),
      name: `default:${fileId(root.key)}`,
      contractKind: 'default',
      scope: { root_file_uuid: fileId(root.key), workspace: workspaceOf(root) },
      createdBy: SEED_ACTOR,
      createdAt: root.createdAt,
      updatedAt: root.createdAt,
    })),
    ...CUSTOM_CONTRACTS.map((c) => ({
      contractId: customContractId(c.key),
      name: c.key,
      contractKind: 'custom',
      scope: c.scope,
      createdBy: c.createdBy,
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
    })),
  ]);
}

async function seedProjectFiles(db: SeedDb): Promise<number> {
  return upsertRows(db, projectFiles, FILES.map((f) => {
    const root = rootOf(f);
    const owner = workspaceOf(f) === 'finance' ? 'user:daniel.okafor' : workspaceOf(f) === 'research' ? 'user:mei.lin' : 'user:tomas.garcia';
    const finished = f.status === 'completed' || f.status === 'failed' ? at(f.createdAt, Math.min(6 * HOUR, Math.max(MINUTE, f.size / 20_000))) : f.createdAt;
    return {
      fileUuid: fileId(f.key),
      uiName: f.path.split('/').pop()!,
      filePath: `/${f.path}`,
      fileType: f.type,
      mimeType: f.mime,
      size: f.size,
      processingStatus: f.status,
      processingErrors: f.errors ?? null,
      rootFileUuid: f.parent ? fileId(root.key) : null,
      parentFileUuid: f.parent ? fileId(f.parent) : null,
      lineageDepth: depthOf(f),
      accessLevel: f.access,
      permissions: { owner, readers: f.access === 'private' ? [owner] : [`workspace:${workspaceOf(f)}`], writers: [owner], ...(f.classification === 'restricted' ? { requires_mfa: true } : {}) },
      dataClassification: f.classification,
      createdAt: f.createdAt,
      updatedAt: finished,
      boundaryContractId: f.session ? customContractId(f.session.contract) : defaultContractId(root),
      representationType: f.representation,
      materializationScope: f.session
        ? { session_id: f.session.id, workspace: workspaceOf(f), materialized_at: at(f.createdAt, 2 * MINUTE).toISOString(), expires_at: at(f.createdAt, 7 * DAY).toISOString() }
        : { workspace: workspaceOf(f) },
    };
  }));
}

export const filesSteps: SeedStep[] = [
  { table: 'files.data_boundary_contracts', run: seedContracts },
  { table: 'files.project_files', run: seedProjectFiles },
];
