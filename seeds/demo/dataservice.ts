/**
 * Seed for schema `dataservice` (DataService V2 sprint 2, drizzle/demo/schema/dataservice.ts). Students
 * and staff with FERPA flags and consent dates, B2B providers (API keys as SHA-256 + prefix,
 * DPAs, contracts), uploads, balanced double-entry ledgers, and the audit trail.
 *
 * Rows that make the document's retention table visible, counted from SEED_NOW: uploads
 * soft-deleted more and less than 90 days ago, audit events older and younger than two
 * years, ledgers older than seven years, and soft-deleted users and providers (kept
 * indefinitely).
 */
import {
  dsEvents,
  dsLedgerEntries,
  dsLedgers,
  dsProviders,
  dsUploads,
  dsUsers,
} from '../../drizzle/demo/schema/dataservice';
import { DAY, HOUR, MINUTE, at, between, pick, seedUuid, sha256Hex, upsertRows } from '../../lib/seed/helpers';
import type { SeedDb, SeedStep } from '../../lib/seed/types';
import { mulberry32 } from '../../lib/seed/prng';
import { SEED_ACTOR, daysAgo, utc } from './clock';

const softDelete = (deletedAt: Date | null, by = 'support:j.alvarez') => ({
  isDeleted: deletedAt !== null,
  deletedAt,
  deletedBy: deletedAt ? by : null,
});

const audit = (createdAt: Date, updatedAt: Date = createdAt) => ({ createdAt, updatedAt, createdBy: SEED_ACTOR, updatedBy: SEED_ACTOR });

// ---------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------

interface DsUserSpec {
  key: string;
  name: string | null;
  email: string;
  status: 'active' | 'pending_verification' | 'suspended' | 'deactivated';
  role: 'consumer' | 'student' | 'educator' | 'provider_admin' | 'support' | 'admin';
  ferpa: boolean;
  institution: string;
  createdAt: Date;
  logins: number;
  lastLoginDaysAgo: number | null;
  deletedDaysAgo?: number;
}

const DS_USERS: DsUserSpec[] = [
  { key: 'ava', name: 'Ava Thompson', email: 'ava.thompson@students.lakeside.example.edu', status: 'active', role: 'student', ferpa: true, institution: 'Lakeside University', createdAt: utc('2025-08-20 15:02'), logins: 148, lastLoginDaysAgo: 0.4 },
  { key: 'noah', name: 'Noah Kim', email: 'noah.kim@students.lakeside.example.edu', status: 'active', role: 'student', ferpa: true, institution: 'Lakeside University', createdAt: utc('2025-08-21 09:40'), logins: 97, lastLoginDaysAgo: 1.6 },
  { key: 'isabella', name: 'Isabella Martínez', email: 'imartinez@students.lakeside.example.edu', status: 'active', role: 'student', ferpa: true, institution: 'Lakeside University', createdAt: utc('2025-09-01 18:11'), logins: 61, lastLoginDaysAgo: 3.2 },
  { key: 'liam', name: "Liam O'Connor", email: 'liam.oconnor@students.ridgeway.example.edu', status: 'active', role: 'student', ferpa: true, institution: 'Ridgeway Community College', createdAt: utc('2026-01-12 10:05'), logins: 33, lastLoginDaysAgo: 8.9 },
  { key: 'zara', name: 'Zara Ahmed', email: 'zara.ahmed@students.ridgeway.example.edu', status: 'pending_verification', role: 'student', ferpa: true, institution: 'Ridgeway Community College', createdAt: daysAgo(2, -5), logins: 0, lastLoginDaysAgo: null },
  { key: 'ethan', name: 'Ethan Brooks', email: 'ethan.brooks@students.lakeside.example.edu', status: 'suspended', role: 'student', ferpa: true, institution: 'Lakeside University', createdAt: utc('2025-09-03 12:00'), logins: 12, lastLoginDaysAgo: 74 },
  { key: 'chloe', name: 'Chloe Dubois', email: 'chloe.dubois@students.northfield.example.edu', status: 'active', role: 'student', ferpa: true, institution: 'Northfield High School', createdAt: utc('2026-02-15 16:45'), logins: 40, lastLoginDaysAgo: 2.3 },
  { key: 'mateo', name: 'Mateo Silva', email: 'mateo.silva@students.northfield.example.edu', status: 'active', role: 'student', ferpa: true, institution: 'Northfield High School', createdAt: utc('2026-02-16 08:30'), logins: 22, lastLoginDaysAgo: 5.1 },
  { key: 'prof-okoro', name: 'Dr. Adaeze Okoro', email: 'a.okoro@lakeside.example.edu', status: 'active', role: 'educator', ferpa: false, institution: 'Lakeside University', createdAt: utc('2025-07-01 09:00'), logins: 310, lastLoginDaysAgo: 0.2 },
  { key: 'prof-hansen', name: 'Prof. Erik Hansen', email: 'erik.hansen@ridgeway.example.edu', status: 'active', role: 'educator', ferpa: false, institution: 'Ridgeway Community College', createdAt: utc('2026-01-05 14:20'), logins: 88, lastLoginDaysAgo: 1.1 },
  { key: 'ms-nguyen', name: 'Linh Nguyen', email: 'l.nguyen@northfield.example.edu', status: 'active', role: 'educator', ferpa: false, institution: 'Northfield High School', createdAt: utc('2026-02-10 07:55'), logins: 54, lastLoginDaysAgo: 0.9 },
  { key: 'registrar-lakeside', name: 'Lakeside Registrar Office', email: 'registrar@lakeside.example.edu', status: 'active', role: 'provider_admin', ferpa: false, institution: 'Lakeside University', createdAt: utc('2025-06-15 13:00'), logins: 402, lastLoginDaysAgo: 0.1 },
  { key: 'admissions-ridgeway', name: 'Ridgeway Admissions', email: 'admissions@ridgeway.example.edu', status: 'active', role: 'provider_admin', ferpa: false, institution: 'Ridgeway Community College', createdAt: utc('2026-01-04 10:00'), logins: 120, lastLoginDaysAgo: 0.7 },
  { key: 'parent-thompson', name: 'Karen Thompson', email: 'karen.thompson@mail.example.com', status: 'active', role: 'consumer', ferpa: false, institution: 'Lakeside University', createdAt: utc('2025-08-25 19:30'), logins: 14, lastLoginDaysAgo: 20.4 },
  { key: 'jobseeker-reyes', name: 'Daniel Reyes', email: 'd.reyes@mail.example.com', status: 'active', role: 'consumer', ferpa: false, institution: 'Independent', createdAt: utc('2026-04-02 11:11'), logins: 9, lastLoginDaysAgo: 12.0 },
  { key: 'support-alvarez', name: 'Julia Alvarez', email: 'j.alvarez@dataservice.example', status: 'active', role: 'support', ferpa: false, institution: 'DataService', createdAt: utc('2025-05-01 09:00'), logins: 820, lastLoginDaysAgo: 0.05 },
  { key: 'admin-cho', name: 'Min-jun Cho', email: 'm.cho@dataservice.example', status: 'active', role: 'admin', ferpa: false, institution: 'DataService', createdAt: utc('2025-05-01 09:05'), logins: 645, lastLoginDaysAgo: 0.3 },
  // Soft-deleted: one long ago (a withdrawn student, kept indefinitely), one recently.
  { key: 'withdrawn-park', name: 'Jae Park', email: 'jae.park@students.lakeside.example.edu', status: 'deactivated', role: 'student', ferpa: true, institution: 'Lakeside University', createdAt: utc('2025-08-22 10:00'), logins: 6, lastLoginDaysAgo: 402, deletedDaysAgo: 380 },
  { key: 'duplicate-thompson', name: 'Ava Thompson (duplicate)', email: 'ava.t.dup@mail.example.com', status: 'deactivated', role: 'consumer', ferpa: false, institution: 'Lakeside University', createdAt: utc('2026-09-30 21:14'), logins: 1, lastLoginDaysAgo: 45, deletedDaysAgo: 41 },
  { key: 'spam-signup', name: null, email: 'no-reply-7731@mailinator.example', status: 'deactivated', role: 'consumer', ferpa: false, institution: 'Unknown', createdAt: daysAgo(12, 3), logins: 0, lastLoginDaysAgo: null, deletedDaysAgo: 11 },
];

const dsUserId = (key: string) => seedUuid(`dataservice.ds_users:${key}`);

async function seedDsUsers(db: SeedDb): Promise<number> {
  return upsertRows(db, dsUsers, DS_USERS.map((u, i) => {
    const deletedAt = u.deletedDaysAgo === undefined ? null : daysAgo(u.deletedDaysAgo);
    return {
      id: dsUserId(u.key),
      email: u.email,
      displayName: u.name ?? null,
      status: u.status,
      role: u.role,
      isFerpaCovered: u.ferpa,
      ferpaConsentDate: u.ferpa && u.status !== 'pending_verification' ? at(u.createdAt, (2 + (i % 5)) * DAY) : null,
      profileData: { institution: u.institution, ...(u.role === 'student' ? { program: pick(mulberry32(i + 11), ['BSc Computer Science', 'BA Economics', 'Nursing', 'High School Diploma', 'AAS Data Analytics']), graduation_year: 2027 + (i % 3) } : {}) },
      preferences: { locale: i % 4 === 1 ? 'es-US' : 'en-US', email_opt_in: i % 3 !== 0, theme: i % 2 ? 'dark' : 'light' },
      lastLoginAt: u.lastLoginDaysAgo === null ? null : daysAgo(u.lastLoginDaysAgo),
      loginCount: u.logins,
      ...audit(u.createdAt, deletedAt ?? (u.lastLoginDaysAgo === null ? u.createdAt : daysAgo(u.lastLoginDaysAgo))),
      ...softDelete(deletedAt),
    };
  }));
}

// ---------------------------------------------------------------------------
// Providers
// ---------------------------------------------------------------------------

interface ProviderSpec {
  key: string;
  name: string;
  segment: 'higher_ed' | 'k12' | 'edtech' | 'workforce';
  status: 'active' | 'invited' | 'suspended' | 'churned';
  domain: string;
  fee: number;
  createdAt: Date;
  hasKey: boolean;
  dpaSigned: Date | null;
  contract: [Date, Date] | null;
  deletedAt?: Date;
}

const PROVIDERS: ProviderSpec[] = [
  { key: 'lakeside', name: 'Lakeside University', segment: 'higher_ed', status: 'active', domain: 'lakeside.example.edu', fee: 2499, createdAt: utc('2025-06-10 10:00'), hasKey: true, dpaSigned: utc('2025-06-30 16:00'), contract: [utc('2025-07-01'), utc('2027-06-30')] },
  { key: 'ridgeway', name: 'Ridgeway Community College', segment: 'higher_ed', status: 'active', domain: 'ridgeway.example.edu', fee: 899, createdAt: utc('2025-12-01 09:30'), hasKey: true, dpaSigned: utc('2025-12-20 12:00'), contract: [utc('2026-01-01'), utc('2026-12-31')] },
  { key: 'northfield', name: 'Northfield School District', segment: 'k12', status: 'active', domain: 'northfield.example.edu', fee: 450, createdAt: utc('2026-01-20 14:00'), hasKey: true, dpaSigned: utc('2026-02-05 10:00'), contract: [utc('2026-02-01'), utc('2027-01-31')] },
  { key: 'brightpath', name: 'BrightPath Tutoring', segment: 'edtech', status: 'invited', domain: 'brightpath.example.com', fee: 0, createdAt: daysAgo(9, 4), hasKey: false, dpaSigned: null, contract: null },
  { key: 'skillbridge', name: 'SkillBridge Workforce Partners', segment: 'workforce', status: 'suspended', domain: 'skillbridge.example.org', fee: 299, createdAt: utc('2026-03-03 11:00'), hasKey: true, dpaSigned: utc('2026-03-20 09:00'), contract: [utc('2026-04-01'), utc('2027-03-31')] },
  { key: 'quizly', name: 'Quizly Inc.', segment: 'edtech', status: 'churned', domain: 'quizly.example.com', fee: 199, createdAt: utc('2025-07-15 08:00'), hasKey: true, dpaSigned: utc('2025-08-01 08:00'), contract: [utc('2025-08-01'), utc('2026-07-31')], deletedAt: utc('2026-08-05 10:30') },
];

const providerId = (key: string) => seedUuid(`dataservice.ds_providers:${key}`);

/** The development secret of a provider's API key (its SHA-256 and prefix are stored). */
export function demoProviderKeySecret(key: string): string {
  return `dsp_live_${sha256Hex(`strata-demo-provider-key:${key}`).slice(0, 40)}`;
}

async function seedDsProviders(db: SeedDb): Promise<number> {
  return upsertRows(db, dsProviders, PROVIDERS.map((p) => {
    const secret = p.hasKey ? demoProviderKeySecret(p.key) : null;
    const keyCreated = p.hasKey ? at(p.dpaSigned ?? p.createdAt, 2 * DAY) : null;
    return {
      id: providerId(p.key),
      name: p.name,
      segment: p.segment,
      status: p.status,
      contactEmail: `partnerships@${p.domain}`,
      institutionalDomain: p.domain,
      apiKeyHash: secret ? sha256Hex(secret) : null,
      apiKeyPrefix: secret ? secret.slice(0, 13) : null,
      apiKeyCreatedAt: keyCreated,
      apiKeyLastUsedAt: p.status === 'active' ? daysAgo(0, -between(mulberry32(p.key.length), 1, 20)) : p.deletedAt ?? (p.status === 'suspended' ? utc('2026-10-02 18:00') : null),
      isFerpaCovered: p.segment !== 'workforce',
      dpaSigned: p.dpaSigned !== null,
      dpaSignedDate: p.dpaSigned,
      contractStartDate: p.contract?.[0] ?? null,
      contractEndDate: p.contract?.[1] ?? null,
      monthlyFee: p.fee,
      metadata: { account_manager: p.segment === 'k12' ? 'r.singh' : 'm.ortiz', billing_cycle: 'monthly', ...(p.status === 'suspended' ? { suspension_reason: 'DPA audit findings open' } : {}) },
      ...audit(p.createdAt, p.deletedAt ?? keyCreated ?? p.createdAt),
      ...softDelete(p.deletedAt ?? null, 'admin:m.cho'),
    };
  }));
}

// ---------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------

const UPLOAD_KINDS: Array<{ name: string; mime: string; ferpa: boolean; min: number; max: number }> = [
  { name: 'official-transcript.pdf', mime: 'application/pdf', ferpa: true, min: 90_000, max: 900_000 },
  { name: 'financial-aid-form.pdf', mime: 'application/pdf', ferpa: true, min: 150_000, max: 2_000_000 },
  { name: 'essay-draft.docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ferpa: true, min: 20_000, max: 400_000 },
  { name: 'id-scan.jpg', mime: 'image/jpeg', ferpa: true, min: 300_000, max: 4_000_000 },
  { name: 'resume.pdf', mime: 'application/pdf', ferpa: false, min: 40_000, max: 300_000 },
  { name: 'course-roster.csv', mime: 'text/csv', ferpa: true, min: 2_000, max: 80_000 },
  { name: 'syllabus.pdf', mime: 'application/pdf', ferpa: false, min: 50_000, max: 600_000 },
];

/** Soft-deleted uploads: ages (days) of the deletion, on both sides of the 90-day grace. */
const DELETED_UPLOAD_AGES = [400, 210, 120, 95, 60, 30, 5];

const uploadId = (i: number) => seedUuid(`dataservice.ds_uploads:${i}`);

function uploadRows(): Array<typeof dsUploads.$inferInsert> {
  const random = mulberry32(0xd5_0001);
  const owners = DS_USERS.filter((u) => u.role !== 'support' && u.role !== 'admin' && u.status !== 'pending_verification');
  const rows: Array<typeof dsUploads.$inferInsert> = [];
  for (let i = 0; i < 42; i++) {
    const owner = owners[i % owners.length]!;
    const kind = owner.role === 'educator' || owner.role === 'provider_admin'
      ? pick(random, UPLOAD_KINDS.filter((k) => k.name === 'course-roster.csv' || k.name === 'syllabus.pdf'))
      : pick(random, UPLOAD_KINDS.filter((k) => k.name !== 'course-roster.csv' && k.name !== 'syllabus.pdf'));
    const deletedAge = i < DELETED_UPLOAD_AGES.length ? DELETED_UPLOAD_AGES[i]! : null;
    // A deleted upload was made before it was deleted; others spread over the last 450 days.
    const ageDays = deletedAge !== null ? deletedAge + between(random, 3, 40) : between(random, 0, 450);
    const createdAt = at(daysAgo(ageDays), between(random, 0, 23) * HOUR + between(random, 0, 59) * MINUTE);
    if (createdAt.getTime() < owner.createdAt.getTime()) createdAt.setTime(owner.createdAt.getTime() + (i + 1) * HOUR);
    const roll = random();
    const status = i === 8 ? 'pending' : i === 9 ? 'processing' : roll < 0.08 ? 'failed' : roll < 0.11 ? 'quarantined' : 'processed';
    const processedAt = status === 'processed' || status === 'failed' || status === 'quarantined' ? at(createdAt, between(random, 4, 300) * 1000) : null;
    const id = uploadId(i);
    const filename = `${owner.key}-${kind.name}`;
    const deletedAt = deletedAge !== null ? at(daysAgo(deletedAge), between(random, 8, 18) * HOUR) : null;
    rows.push({
      id,
      ownerId: dsUserId(owner.key),
      filename,
      mimeType: kind.mime,
      sizeBytes: between(random, kind.min, kind.max),
      isFerpaCovered: kind.ferpa && owner.ferpa,
      status,
      storagePath: `s3://ds-uploads-prod/${dsUserId(owner.key)}/${id}/${filename}`,
      checksumSha256: sha256Hex(`upload:${id}`),
      processedAt,
      processingError: status === 'failed' ? pick(random, ['PDF is password protected', 'OCR confidence 0.41 below threshold 0.80', 'File truncated: expected 2211840 bytes, got 1048576']) : status === 'quarantined' ? 'Malware scan: EICAR test signature detected' : null,
      metadata: { pages: kind.mime === 'application/pdf' ? between(random, 1, 24) : null, source: pick(random, ['web', 'mobile', 'provider_api']), scan: status === 'quarantined' ? 'infected' : 'clean' },
      ...audit(createdAt, deletedAt ?? processedAt ?? createdAt),
      ...softDelete(deletedAt, deletedAge !== null && deletedAge > 100 ? 'retention-job' : `user:${owner.key}`),
    });
  }
  return rows;
}

async function seedDsUploads(db: SeedDb): Promise<number> {
  return upsertRows(db, dsUploads, uploadRows());
}

// ---------------------------------------------------------------------------
// Ledgers: every validated ledger balances (entries sum to zero)
// ---------------------------------------------------------------------------

interface LedgerSpec {
  key: string;
  description: string;
  referenceType: string;
  referenceId: string | null;
  at: Date;
  validated: boolean;
  entries: Array<[type: string, code: string, name: string, amount: number]>;
}

function ledgerSpecs(): LedgerSpec[] {
  const specs: LedgerSpec[] = [];
  const invoice = (provider: ProviderSpec, month: string) => ({
    key: `invoice:${provider.key}:${month}`,
    description: `Subscription invoice ${month} — ${provider.name}`,
    referenceType: 'provider_invoice',
    referenceId: providerId(provider.key),
    at: utc(`${month}-01 06:00`),
    validated: true,
    entries: [
      ['asset', '1100', 'Accounts Receivable', provider.fee],
      ['revenue', '4000', 'Subscription Revenue', -provider.fee],
    ] as LedgerSpec['entries'],
  });
  for (const month of ['2026-09', '2026-10', '2026-11']) {
    for (const p of PROVIDERS.filter((x) => x.status === 'active')) specs.push(invoice(p, month));
  }
  specs.push({
    key: 'payment:lakeside:2026-10', description: 'ACH payment received — Lakeside University, invoice 2026-10', referenceType: 'payment', referenceId: providerId('lakeside'), at: utc('2026-10-14 15:32'), validated: true,
    entries: [['asset', '1000', 'Operating Cash', 2499], ['asset', '1100', 'Accounts Receivable', -2499]],
  });
  specs.push({
    key: 'refund:quizly:2026-07', description: 'Pro-rated refund on termination — Quizly Inc.', referenceType: 'refund', referenceId: providerId('quizly'), at: utc('2026-08-06 10:00'), validated: true,
    entries: [['revenue', '4900', 'Refunds and Allowances', 132.67], ['asset', '1000', 'Operating Cash', -132.67]],
  });
  specs.push({
    key: 'scholarship:ava:2026-fall', description: 'Scholarship disbursement, fall 2026 — student application fee waiver', referenceType: 'ds_user', referenceId: dsUserId('ava'), at: utc('2026-09-02 12:00'), validated: true,
    entries: [['expense', '6100', 'Scholarships', 75], ['liability', '2100', 'Scholarship Fund', -50], ['asset', '1000', 'Operating Cash', -25]],
  });
  // Still being posted: not validated, not balanced yet.
  specs.push({
    key: 'invoice:skillbridge:2026-11', description: 'Subscription invoice 2026-11 — SkillBridge (on hold, suspended)', referenceType: 'provider_invoice', referenceId: providerId('skillbridge'), at: daysAgo(1, 3), validated: false,
    entries: [['asset', '1100', 'Accounts Receivable', 299]],
  });
  // Past the seven-year compliance retention.
  specs.push({
    key: 'legacy:2019-03', description: 'Opening balance migrated from the v1 billing system', referenceType: 'migration', referenceId: null, at: utc('2019-03-01 00:00'), validated: true,
    entries: [['asset', '1000', 'Operating Cash', 15000], ['equity', '3000', "Owner's Equity", -15000]],
  });
  specs.push({
    key: 'legacy:2019-06', description: 'Hosting invoice, June 2019 (v1 billing system)', referenceType: 'migration', referenceId: null, at: utc('2019-06-30 00:00'), validated: true,
    entries: [['expense', '6200', 'Hosting', 412.5], ['asset', '1000', 'Operating Cash', -412.5]],
  });
  return specs;
}

async function seedDsLedgers(db: SeedDb): Promise<number> {
  return upsertRows(db, dsLedgers, ledgerSpecs().map((l) => {
    const balanced = Math.abs(l.entries.reduce((s, e) => s + e[3], 0)) < 0.005;
    return {
      id: seedUuid(`dataservice.ds_ledgers:${l.key}`),
      traceId: seedUuid(`dataservice.ds_ledgers.trace:${l.key}`),
      description: l.description,
      referenceType: l.referenceType,
      referenceId: l.referenceId,
      validatedAt: l.validated ? at(l.at, 5 * MINUTE) : null,
      isBalanced: l.validated && balanced,
      metadata: { posted_by: l.referenceType === 'migration' ? 'v1-import' : 'billing-service', currency: 'USD' },
      ...audit(l.at, l.validated ? at(l.at, 5 * MINUTE) : l.at),
      ...softDelete(null),
    };
  }));
}

async function seedDsLedgerEntries(db: SeedDb): Promise<number> {
  const rows: Array<typeof dsLedgerEntries.$inferInsert> = [];
  for (const l of ledgerSpecs()) {
    l.entries.forEach(([accountType, accountCode, accountName, amount], i) => {
      rows.push({
        id: seedUuid(`dataservice.ds_ledger_entries:${l.key}:${i}`),
        ledgerId: seedUuid(`dataservice.ds_ledgers:${l.key}`),
        accountType,
        accountCode,
        accountName,
        amount,
        currency: 'USD',
        description: `${amount >= 0 ? 'Debit' : 'Credit'} ${accountName}`,
        metadata: { line: i + 1 },
        createdAt: l.at,
      });
    });
  }
  return upsertRows(db, dsLedgerEntries, rows);
}

// ---------------------------------------------------------------------------
// Audit trail events: the last 90 days, plus a batch older than two years
// ---------------------------------------------------------------------------

const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'dataservice-provider-sdk/2.4.1 python/3.12',
];

function eventRows(): Array<typeof dsEvents.$inferInsert> {
  const random = mulberry32(0xd5_e7e7);
  const uploads = uploadRows();
  const rows: Array<typeof dsEvents.$inferInsert> = [];
  const staff = ['support-alvarez', 'admin-cho', 'registrar-lakeside', 'prof-okoro'];
  const add = (i: number, createdAt: Date) => {
    const roll = random();
    let row: Omit<typeof dsEvents.$inferInsert, 'id' | 'createdAt' | 'ipAddress' | 'userAgent' | 'sessionId' | 'metadata'>;
    if (roll < 0.35) {
      const upload = pick(random, uploads);
      const viewer = random() < 0.5 ? upload.ownerId : dsUserId(pick(random, staff));
      row = { eventType: 'data_access', userId: viewer, entityType: 'ds_upload', entityId: upload.id!, action: pick(random, ['view', 'download']), changes: null, isFerpaAccess: upload.isFerpaCovered === true && viewer !== upload.ownerId };
    } else if (roll < 0.6) {
      const user = pick(random, DS_USERS.filter((u) => u.lastLoginDaysAgo !== null));
      row = { eventType: 'auth', userId: dsUserId(user.key), entityType: 'ds_user', entityId: dsUserId(user.key), action: random() < 0.9 ? 'login' : 'login_failed', changes: null, isFerpaAccess: false };
    } else if (roll < 0.8) {
      const user = pick(random, DS_USERS);
      row = { eventType: 'data_change', userId: dsUserId(user.key), entityType: 'ds_user', entityId: dsUserId(user.key), action: 'update', changes: { preferences: { email_opt_in: { from: true, to: false } } }, isFerpaAccess: false };
    } else if (roll < 0.92) {
      const provider = pick(random, PROVIDERS.filter((p) => p.hasKey));
      row = { eventType: 'admin', userId: dsUserId('admin-cho'), entityType: 'ds_provider', entityId: providerId(provider.key), action: pick(random, ['update', 'rotate_api_key', 'view']), changes: { status: provider.status }, isFerpaAccess: false };
    } else {
      const student = pick(random, DS_USERS.filter((u) => u.ferpa));
      row = { eventType: 'data_access', userId: dsUserId(pick(random, staff)), entityType: 'ds_user', entityId: dsUserId(student.key), action: 'export', changes: null, isFerpaAccess: true };
    }
    rows.push({
      id: seedUuid(`dataservice.ds_events:${i}`),
      ...row,
      ipAddress: `${pick(random, ['192.0.2', '198.51.100', '203.0.113'])}.${between(random, 2, 254)}`,
      userAgent: pick(random, USER_AGENTS),
      sessionId: `sess_${sha256Hex(`ds-session:${i >> 2}`).slice(0, 24)}`,
      metadata: { request_id: `req_${sha256Hex(`ds-event:${i}`).slice(0, 16)}`, reason: row.isFerpaAccess ? pick(random, ['advising', 'registrar request', 'financial aid review']) : null },
      createdAt,
    });
  };
  // 18 events from 2023–2024: past the two-year retention of the audit trail.
  for (let i = 0; i < 18; i++) add(i, at(utc('2023-09-04 08:00'), i * 23 * DAY + between(random, 0, 600) * MINUTE));
  for (let i = 18; i < 110; i++) add(i, at(daysAgo(90), Math.floor(random() * 90 * DAY)));
  return rows;
}

async function seedDsEvents(db: SeedDb): Promise<number> {
  return upsertRows(db, dsEvents, eventRows());
}

export const dataserviceSteps: SeedStep[] = [
  { table: 'dataservice.ds_users', run: seedDsUsers },
  { table: 'dataservice.ds_providers', run: seedDsProviders },
  { table: 'dataservice.ds_uploads', run: seedDsUploads },
  { table: 'dataservice.ds_ledgers', run: seedDsLedgers },
  { table: 'dataservice.ds_ledger_entries', run: seedDsLedgerEntries },
  { table: 'dataservice.ds_events', run: seedDsEvents },
];
