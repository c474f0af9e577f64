/**
 * Seed for schema `lifegraph` (the Life Graph foundation, drizzle/demo/schema/lifegraph.ts). One household —
 * Jordan and Taylor Lee and their son Sam — with the parties around it (employer, landlord,
 * insurer, school, doctor, utilities), the roles each person plays, the commitments those
 * roles carry (bills, appointments, routines, goals, compliance), the documents and
 * signals they came from, the polymorphic links between them and the interaction log.
 */
import {
  commitments,
  documentLinks,
  documents,
  interactions,
  parties,
  roles,
  signals,
} from '../../drizzle/demo/schema/lifegraph';
import { DAY, HOUR, MINUTE, at, seedUuid, sha256Hex, upsertRows } from '../../lib/seed/helpers';
import type { SeedDb, SeedStep } from '../../lib/seed/types';
import { daysAgo, utc } from './clock';

/** The household's accounts in the Life Graph app (roles.user_id, documents.owner_id). */
const USERS = { jordan: seedUuid('lifegraph.users:jordan.lee'), taylor: seedUuid('lifegraph.users:taylor.lee') };

const partyId = (key: string) => seedUuid(`lifegraph.parties:${key}`);
const roleId = (key: string) => seedUuid(`lifegraph.roles:${key}`);
const documentId = (key: string) => seedUuid(`lifegraph.documents:${key}`);
const commitmentId = (key: string) => seedUuid(`lifegraph.commitments:${key}`);
const signalId = (key: string) => seedUuid(`lifegraph.signals:${key}`);

// ---------------------------------------------------------------------------
// Parties and roles
// ---------------------------------------------------------------------------

const PARTIES: Array<{ key: string; kind: 'person' | 'org'; name: string; taxId?: string; contact: Record<string, unknown>; metadata?: Record<string, unknown>; createdAt: Date }> = [
  { key: 'jordan', kind: 'person', name: 'Jordan Lee', contact: { email: 'jordan.lee@mail.example.com', phone: '+1-555-0142' }, metadata: { household: 'lee' }, createdAt: utc('2026-02-01 18:00') },
  { key: 'taylor', kind: 'person', name: 'Taylor Lee', contact: { email: 'taylor.lee@mail.example.com', phone: '+1-555-0143' }, metadata: { household: 'lee' }, createdAt: utc('2026-02-01 18:02') },
  { key: 'sam', kind: 'person', name: 'Sam Lee', contact: {}, metadata: { household: 'lee', birth_year: 2016 }, createdAt: utc('2026-02-01 18:05') },
  { key: 'acme', kind: 'org', name: 'Acme Analytics', taxId: '84-1234567', contact: { hr_email: 'people@acme-analytics.example' }, metadata: { relationship: 'employer' }, createdAt: utc('2026-02-02 09:00') },
  { key: 'evergreen', kind: 'org', name: 'Evergreen Property Management', taxId: '91-2345678', contact: { email: 'leasing@evergreen-pm.example', phone: '+1-555-0190', portal: 'https://portal.evergreen-pm.example' }, metadata: { relationship: 'landlord' }, createdAt: utc('2026-02-02 09:05') },
  { key: 'cascade', kind: 'org', name: 'Cascade Mutual Insurance', taxId: '93-3456789', contact: { claims_phone: '+1-555-0111' }, metadata: { relationship: 'insurer' }, createdAt: utc('2026-02-03 20:10') },
  { key: 'northshore', kind: 'org', name: 'Northshore Pediatrics', contact: { phone: '+1-555-0177', address: '220 Harbor Rd' }, metadata: { relationship: 'healthcare' }, createdAt: utc('2026-02-04 12:00') },
  { key: 'dr-moreno', kind: 'person', name: 'Dr. Alicia Moreno', contact: { office: 'Northshore Pediatrics' }, metadata: { specialty: 'pediatrics' }, createdAt: utc('2026-02-04 12:01') },
  { key: 'lakeview-utilities', kind: 'org', name: 'City of Lakeview Utilities', taxId: '94-0000123', contact: { billing: 'https://pay.lakeview.example.gov' }, metadata: { relationship: 'utility', service: 'water' }, createdAt: utc('2026-02-05 19:30') },
  { key: 'brightline', kind: 'org', name: 'Brightline Fiber', taxId: '82-7654321', contact: { support: '+1-555-0155' }, metadata: { relationship: 'utility', service: 'internet' }, createdAt: utc('2026-02-05 19:35') },
  { key: 'state-revenue', kind: 'org', name: 'State Department of Revenue', contact: { web: 'https://revenue.state.example.gov' }, metadata: { relationship: 'government' }, createdAt: utc('2026-02-10 08:00') },
  { key: 'riverside', kind: 'org', name: 'Riverside Elementary School', contact: { office: '+1-555-0122', email: 'office@riverside-elem.example.edu' }, metadata: { relationship: 'school', grade: 4 }, createdAt: utc('2026-02-12 07:45') },
  { key: 'chris-park', kind: 'person', name: 'Chris Park, CPA', taxId: 'P01234567', contact: { email: 'chris@parkcpa.example' }, metadata: { relationship: 'accountant' }, createdAt: utc('2026-03-01 10:00') },
  { key: 'harbor-fcu', kind: 'org', name: 'Harbor Federal Credit Union', taxId: '91-8765432', contact: { phone: '+1-555-0166' }, metadata: { relationship: 'lender' }, createdAt: utc('2026-03-15 11:20') },
];

const ROLES: Array<{ key: string; party: string; user: keyof typeof USERS; name: string; tags: string[]; createdAt: Date }> = [
  { key: 'jordan-employee', party: 'jordan', user: 'jordan', name: 'Employee', tags: ['work'], createdAt: utc('2026-02-02 09:01') },
  { key: 'jordan-tenant', party: 'jordan', user: 'jordan', name: 'Tenant', tags: ['home', 'finance'], createdAt: utc('2026-02-02 09:06') },
  { key: 'jordan-parent', party: 'jordan', user: 'jordan', name: 'Parent', tags: ['family', 'education', 'health'], createdAt: utc('2026-02-02 09:10') },
  { key: 'jordan-taxpayer', party: 'jordan', user: 'jordan', name: 'Taxpayer', tags: ['finance', 'tax'], createdAt: utc('2026-02-10 08:05') },
  { key: 'jordan-patient', party: 'jordan', user: 'jordan', name: 'Patient', tags: ['health'], createdAt: utc('2026-02-04 12:05') },
  { key: 'jordan-customer', party: 'jordan', user: 'jordan', name: 'Utility customer', tags: ['home', 'utilities'], createdAt: utc('2026-02-05 19:40') },
  { key: 'taylor-parent', party: 'taylor', user: 'taylor', name: 'Parent', tags: ['family', 'education'], createdAt: utc('2026-02-01 18:10') },
  { key: 'taylor-policyholder', party: 'taylor', user: 'taylor', name: 'Policyholder', tags: ['insurance', 'finance'], createdAt: utc('2026-02-03 20:12') },
  { key: 'taylor-borrower', party: 'taylor', user: 'taylor', name: 'Borrower', tags: ['finance'], createdAt: utc('2026-03-15 11:25') },
  { key: 'sam-student', party: 'sam', user: 'jordan', name: 'Student', tags: ['education'], createdAt: utc('2026-02-12 07:50') },
];

async function seedParties(db: SeedDb): Promise<number> {
  return upsertRows(db, parties, PARTIES.map((p) => ({
    id: partyId(p.key),
    kind: p.kind,
    name: p.name,
    taxId: p.taxId ?? null,
    contactJson: p.contact,
    metadata: p.metadata ?? {},
    createdAt: p.createdAt,
    updatedAt: p.createdAt,
  })));
}

async function seedRoles(db: SeedDb): Promise<number> {
  return upsertRows(db, roles, ROLES.map((r) => ({
    id: roleId(r.key),
    partyId: partyId(r.party),
    userId: USERS[r.user],
    roleName: r.name,
    domainTags: r.tags,
    createdAt: r.createdAt,
  })));
}

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

interface DocumentSpec {
  key: string;
  title: string;
  owner: keyof typeof USERS;
  source: string;
  mime: string;
  size: number;
  createdAt: Date;
  extraction?: { type: string; data: Record<string, unknown>; cost: string; afterMinutes: number };
}

const DOCUMENTS: DocumentSpec[] = [
  { key: 'lease-2026', title: 'Residential lease 2026–2027, 14 Alder Way, Unit 3', owner: 'jordan', source: 'email', mime: 'application/pdf', size: 1_482_113, createdAt: utc('2026-06-20 17:22'), extraction: { type: 'lease', data: { landlord: 'Evergreen Property Management', monthly_rent: 2350, due_day: 1, term_start: '2026-07-01', term_end: '2027-06-30', renewal_notice_days: 60 }, cost: '0.0420', afterMinutes: 2 } },
  { key: 'rent-receipt-2026-11', title: 'Rent receipt November 2026', owner: 'jordan', source: 'email', mime: 'application/pdf', size: 88_410, createdAt: utc('2026-11-01 08:14'), extraction: { type: 'receipt', data: { amount: 2350, paid_on: '2026-11-01', payee: 'Evergreen Property Management' }, cost: '0.0060', afterMinutes: 1 } },
  { key: 'water-bill-2026-10', title: 'Lakeview Utilities water bill, October 2026', owner: 'jordan', source: 'vision_upload', mime: 'image/jpeg', size: 2_304_551, createdAt: daysAgo(6, 19), extraction: { type: 'invoice', data: { vendor: 'City of Lakeview Utilities', amount_due: 84.12, due_date: '2026-11-20', account: '****4471' }, cost: '0.0185', afterMinutes: 1 } },
  { key: 'fiber-bill-2026-11', title: 'Brightline Fiber invoice INV-88213', owner: 'jordan', source: 'email', mime: 'application/pdf', size: 121_007, createdAt: daysAgo(4, 7), extraction: { type: 'invoice', data: { vendor: 'Brightline Fiber', amount_due: 69.99, due_date: '2026-11-25', autopay: false }, cost: '0.0071', afterMinutes: 1 } },
  { key: 'auto-renewal-2026', title: 'Cascade Mutual auto policy renewal offer', owner: 'taylor', source: 'email', mime: 'application/pdf', size: 640_219, createdAt: utc('2026-10-28 12:40'), extraction: { type: 'policy', data: { insurer: 'Cascade Mutual Insurance', premium_6mo: 1184.0, renewal_date: '2026-12-01', policy: 'AU-2291-7741' }, cost: '0.0312', afterMinutes: 3 } },
  { key: 'w2-2025', title: 'Form W-2 2025 — Acme Analytics', owner: 'jordan', source: 'api', mime: 'application/pdf', size: 98_551, createdAt: utc('2026-01-30 15:00'), extraction: { type: 'tax_form', data: { form: 'W-2', year: 2025, employer: 'Acme Analytics' }, cost: '0.0150', afterMinutes: 1 } },
  { key: '1099-int-2025', title: 'Form 1099-INT 2025 — Harbor FCU', owner: 'taylor', source: 'api', mime: 'application/pdf', size: 54_221, createdAt: utc('2026-02-11 09:30'), extraction: { type: 'tax_form', data: { form: '1099-INT', year: 2025, payer: 'Harbor Federal Credit Union' }, cost: '0.0090', afterMinutes: 1 } },
  { key: 'report-card-q1', title: 'Riverside Elementary report card, Q1 2026–27', owner: 'jordan', source: 'vision_upload', mime: 'image/png', size: 1_770_200, createdAt: daysAgo(9, 18), extraction: { type: 'report_card', data: { student: 'Sam Lee', grade: 4, term: 'Q1', reading: 'meets', math: 'exceeds' }, cost: '0.0204', afterMinutes: 2 } },
  { key: 'field-trip-form', title: 'Field trip permission slip — Science Center', owner: 'jordan', source: 'vision_upload', mime: 'image/jpeg', size: 1_204_877, createdAt: daysAgo(3, 20), extraction: { type: 'form', data: { due_date: '2026-11-18', fee: 12, requires_signature: true }, cost: '0.0144', afterMinutes: 1 } },
  { key: 'pediatric-visit-2026-10', title: 'Visit summary — Northshore Pediatrics', owner: 'taylor', source: 'email', mime: 'application/pdf', size: 301_441, createdAt: utc('2026-10-10 13:05'), extraction: { type: 'medical_summary', data: { provider: 'Dr. Alicia Moreno', next_visit: '2026-12-03' }, cost: '0.0221', afterMinutes: 4 } },
  { key: 'vaccination-record', title: 'Vaccination record (scan)', owner: 'taylor', source: 'vision_upload', mime: 'image/heic', size: 3_118_004, createdAt: daysAgo(1, 21) },
  { key: 'paystub-2026-10', title: 'Pay statement 2026-10-31', owner: 'jordan', source: 'api', mime: 'application/pdf', size: 61_020, createdAt: utc('2026-10-31 06:00'), extraction: { type: 'paystub', data: { employer: 'Acme Analytics', period_end: '2026-10-31' }, cost: '0.0058', afterMinutes: 1 } },
  { key: 'loan-statement-2026-10', title: 'Harbor FCU auto loan statement October 2026', owner: 'taylor', source: 'email', mime: 'application/pdf', size: 143_662, createdAt: utc('2026-10-20 07:10'), extraction: { type: 'statement', data: { balance: 11842.55, payment_due: 412.0, due_date: '2026-11-15' }, cost: '0.0110', afterMinutes: 1 } },
  { key: 'laptop-receipt', title: 'Receipt — school laptop', owner: 'jordan', source: 'manual', mime: 'application/pdf', size: 40_118, createdAt: utc('2026-08-24 16:30'), extraction: { type: 'receipt', data: { amount: 429.0, warranty_until: '2027-08-24' }, cost: '0.0049', afterMinutes: 1 } },
  { key: 'unreadable-scan', title: 'Scan 2026-11-14 21:44', owner: 'jordan', source: 'vision_upload', mime: 'image/jpeg', size: 812_330, createdAt: daysAgo(1, 21, 44) },
];

async function seedDocuments(db: SeedDb): Promise<number> {
  return upsertRows(db, documents, DOCUMENTS.map((d) => {
    const extractedAt = d.extraction ? at(d.createdAt, d.extraction.afterMinutes * MINUTE) : null;
    return {
      id: documentId(d.key),
      title: d.title,
      ownerId: USERS[d.owner],
      createdAt: d.createdAt,
      updatedAt: extractedAt ?? d.createdAt,
      sha256: sha256Hex(`lifegraph-document:${d.key}`),
      source: d.source,
      mimeType: d.mime,
      fileSize: d.size,
      storageUri: `s3://lifegraph-documents/${USERS[d.owner]}/${documentId(d.key)}`,
      extractionType: d.extraction?.type ?? null,
      extractionData: d.extraction?.data ?? null,
      extractionCost: d.extraction?.cost ?? null,
      extractedAt,
    };
  }));
}

// ---------------------------------------------------------------------------
// Commitments
// ---------------------------------------------------------------------------

type CommitmentType = (typeof commitments.$inferInsert)['commitmentType'];
type CommitmentState = NonNullable<(typeof commitments.$inferInsert)['state']>;
type CommitmentSource = 'email' | 'doc' | 'vision_extract' | 'api' | 'manual';

const COMMITMENTS: Array<{
  key: string; role: string; type: CommitmentType; title: string; source: CommitmentSource; counterparty?: string; due?: Date; rrule?: string;
  priority: number; state: CommitmentState; severity?: number; tags: string[]; createdAt: Date; description?: string; reason?: string; document?: string;
}> = [
  { key: 'rent', role: 'jordan-tenant', type: 'obligation', title: 'Pay rent ($2,350)', source: 'doc', counterparty: 'evergreen', due: utc('2026-12-01 00:00'), rrule: 'FREQ=MONTHLY;BYMONTHDAY=1', priority: 95, state: 'active', tags: ['home', 'finance'], createdAt: utc('2026-06-20 17:25'), document: 'lease-2026' },
  { key: 'lease-renewal', role: 'jordan-tenant', type: 'obligation', title: 'Decide on lease renewal (60 days notice)', source: 'doc', counterparty: 'evergreen', due: utc('2027-05-01 00:00'), priority: 60, state: 'proposed', tags: ['home'], createdAt: utc('2026-06-20 17:26'), document: 'lease-2026' },
  { key: 'water-bill', role: 'jordan-customer', type: 'obligation', title: 'Pay water bill ($84.12)', source: 'vision_extract', counterparty: 'lakeview-utilities', due: utc('2026-11-20 00:00'), priority: 75, state: 'active', tags: ['utilities', 'finance'], createdAt: daysAgo(6, 19, 2), document: 'water-bill-2026-10' },
  { key: 'fiber-bill', role: 'jordan-customer', type: 'obligation', title: 'Pay internet bill ($69.99) — turn on autopay?', source: 'email', counterparty: 'brightline', due: utc('2026-11-25 00:00'), priority: 65, state: 'accepted', tags: ['utilities'], createdAt: daysAgo(4, 7, 2), document: 'fiber-bill-2026-11' },
  { key: 'auto-renewal', role: 'taylor-policyholder', type: 'obligation', title: 'Review and renew auto insurance ($1,184 / 6 months)', source: 'email', counterparty: 'cascade', due: utc('2026-12-01 00:00'), priority: 70, state: 'accepted', severity: 2, tags: ['insurance'], createdAt: utc('2026-10-28 12:45'), document: 'auto-renewal-2026' },
  { key: 'taxes-2025', role: 'jordan-taxpayer', type: 'compliance', title: 'File 2025 federal and state returns', source: 'manual', counterparty: 'state-revenue', due: utc('2026-04-15 00:00'), priority: 90, state: 'fulfilled', tags: ['tax'], createdAt: utc('2026-02-10 08:10'), reason: 'Filed 2026-04-02 (confirmation 7731-KK)' },
  { key: 'estimated-q4', role: 'jordan-taxpayer', type: 'compliance', title: 'Q4 estimated tax payment', source: 'manual', counterparty: 'state-revenue', due: utc('2027-01-15 00:00'), rrule: 'FREQ=YEARLY;BYMONTH=1,4,6,9;BYMONTHDAY=15', priority: 70, state: 'accepted', tags: ['tax', 'finance'], createdAt: utc('2026-09-16 19:00') },
  { key: 'send-accountant', role: 'jordan-taxpayer', type: 'obligation', title: 'Send W-2, 1099s and receipts to Chris', source: 'manual', counterparty: 'chris-park', due: utc('2027-02-15 00:00'), priority: 50, state: 'proposed', tags: ['tax'], createdAt: daysAgo(2, 20) },
  { key: 'field-trip', role: 'jordan-parent', type: 'obligation', title: 'Sign field trip permission slip and pay $12', source: 'vision_extract', counterparty: 'riverside', due: utc('2026-11-18 08:00'), priority: 85, state: 'active', tags: ['education', 'family'], createdAt: daysAgo(3, 20, 2), document: 'field-trip-form' },
  { key: 'conference', role: 'taylor-parent', type: 'appointment', title: 'Parent–teacher conference, room 14', source: 'email', counterparty: 'riverside', due: utc('2026-11-20 16:30'), priority: 70, state: 'accepted', tags: ['education'], createdAt: daysAgo(8, 12) },
  { key: 'checkup', role: 'jordan-parent', type: 'appointment', title: "Sam's annual checkup with Dr. Moreno", source: 'doc', counterparty: 'dr-moreno', due: utc('2026-12-03 09:00'), priority: 70, state: 'accepted', tags: ['health', 'family'], createdAt: utc('2026-10-10 13:10'), document: 'pediatric-visit-2026-10' },
  { key: 'flu-shot', role: 'jordan-patient', type: 'appointment', title: 'Flu shot', source: 'manual', counterparty: 'northshore', due: utc('2026-10-10 10:00'), priority: 40, state: 'fulfilled', tags: ['health'], createdAt: utc('2026-09-25 09:00') },
  { key: 'dentist', role: 'jordan-patient', type: 'appointment', title: 'Dental cleaning', source: 'email', due: utc('2026-09-02 14:00'), priority: 40, state: 'fulfilled', tags: ['health'], createdAt: utc('2026-08-01 09:00') },
  { key: 'allowance', role: 'taylor-parent', type: 'routine', title: "Sam's weekly allowance ($5)", source: 'manual', due: utc('2026-11-21 09:00'), rrule: 'FREQ=WEEKLY;BYDAY=SA', priority: 20, state: 'active', tags: ['family'], createdAt: utc('2026-03-07 09:00') },
  { key: 'reading-log', role: 'sam-student', type: 'routine', title: 'Reading log: 20 minutes', source: 'doc', counterparty: 'riverside', due: utc('2026-11-15 20:00'), rrule: 'FREQ=DAILY', priority: 30, state: 'active', tags: ['education'], createdAt: utc('2026-09-08 18:00') },
  { key: 'science-project', role: 'sam-student', type: 'responsibility', title: 'Science fair project: volcano model', source: 'email', counterparty: 'riverside', due: utc('2026-11-21 08:00'), priority: 60, state: 'active', tags: ['education'], createdAt: daysAgo(13, 18) },
  { key: 'run-10k', role: 'jordan-patient', type: 'goal', title: 'Run a 10k under 55 minutes', source: 'manual', due: utc('2027-03-15 00:00'), priority: 35, state: 'active', tags: ['health'], createdAt: utc('2026-08-01 07:00'), description: 'Three runs a week; long run on Sundays.' },
  { key: 'emergency-fund', role: 'taylor-borrower', type: 'goal', title: 'Emergency fund: six months of expenses', source: 'manual', due: utc('2027-06-30 00:00'), priority: 55, state: 'active', tags: ['finance'], createdAt: utc('2026-04-01 20:00') },
  { key: 'perf-review', role: 'jordan-employee', type: 'appointment', title: 'Quarterly performance review', source: 'email', counterparty: 'acme', due: utc('2026-12-10 15:00'), priority: 50, state: 'accepted', tags: ['work'], createdAt: daysAgo(5, 10) },
  { key: 'security-training', role: 'jordan-employee', type: 'compliance', title: 'Annual security awareness training', source: 'email', counterparty: 'acme', due: utc('2026-11-30 23:59'), priority: 60, state: 'active', severity: 1, tags: ['work'], createdAt: utc('2026-10-30 09:00') },
  { key: 'expense-report', role: 'jordan-employee', type: 'obligation', title: 'Submit October expense report', source: 'email', counterparty: 'acme', due: utc('2026-11-10 17:00'), priority: 65, state: 'delinquent', severity: 3, tags: ['work', 'finance'], createdAt: utc('2026-11-01 09:00'), reason: 'Past due; reminder sent twice' },
  { key: 'gym-cancel', role: 'jordan-customer', type: 'obligation', title: 'Cancel old gym membership', source: 'manual', due: utc('2026-09-30 00:00'), priority: 30, state: 'canceled', tags: ['finance'], createdAt: utc('2026-08-15 12:00'), reason: 'Gym closed; membership ended by the club' },
  { key: 'loan-payment', role: 'taylor-borrower', type: 'obligation', title: 'Auto loan payment ($412)', source: 'doc', counterparty: 'harbor-fcu', due: utc('2026-12-15 00:00'), rrule: 'FREQ=MONTHLY;BYMONTHDAY=15', priority: 85, state: 'active', tags: ['finance'], createdAt: utc('2026-03-15 11:30'), document: 'loan-statement-2026-10' },
  { key: 'piano', role: 'taylor-parent', type: 'routine', title: 'Piano lessons (Tuesdays)', source: 'manual', rrule: 'FREQ=WEEKLY;BYDAY=TU', priority: 25, state: 'paused', tags: ['family', 'education'], createdAt: utc('2026-04-05 10:00'), reason: 'Teacher on leave until January' },
  { key: 'passport', role: 'jordan-parent', type: 'compliance', title: "Renew Sam's passport before summer travel", source: 'manual', due: utc('2027-05-01 00:00'), priority: 45, state: 'proposed', tags: ['family'], createdAt: daysAgo(1, 9) },
];

async function seedCommitments(db: SeedDb): Promise<number> {
  return upsertRows(db, commitments, COMMITMENTS.map((c) => ({
    id: commitmentId(c.key),
    roleId: roleId(c.role),
    commitmentType: c.type,
    title: c.title,
    description: c.description ?? null,
    source: c.source,
    counterpartyId: c.counterparty ? partyId(c.counterparty) : null,
    createdAt: c.createdAt,
    dueAt: c.due ?? null,
    rrule: c.rrule ?? null,
    priority: c.priority,
    state: c.state,
    severity: c.severity ?? 0,
    domainTags: c.tags,
    reason: c.reason ?? null,
    metadata: c.document ? { document_id: documentId(c.document) } : {},
  })));
}

// ---------------------------------------------------------------------------
// Signals, links, interactions
// ---------------------------------------------------------------------------

const SIGNALS: Array<{ key: string; source: 'vision_upload' | 'email' | 'api' | 'manual'; status: 'new' | 'processing' | 'attached' | 'archived'; document?: string; payload: Record<string, unknown>; receivedAt: Date; cost?: string }> = [
  ...DOCUMENTS.filter((d) => d.source !== 'manual').map((d) => ({
    key: `doc:${d.key}`,
    source: (d.source === 'api' ? 'api' : d.source === 'email' ? 'email' : 'vision_upload') as 'vision_upload' | 'email' | 'api',
    status: (d.extraction ? 'attached' : d.key === 'unreadable-scan' ? 'processing' : 'new') as 'new' | 'processing' | 'attached',
    document: d.key,
    payload: d.source === 'email' ? { subject: d.title, from: 'noreply@sender.example', attachments: 1 } : { filename: `${d.key}.${d.mime.split('/')[1]}`, bytes: d.size },
    receivedAt: at(d.createdAt, -30_000),
    cost: d.extraction?.cost,
  })),
  { key: 'email:newsletter-1', source: 'email', status: 'archived', payload: { subject: 'Riverside Weekly: November events', from: 'news@riverside-elem.example.edu' }, receivedAt: daysAgo(7, 6) },
  { key: 'email:promo-1', source: 'email', status: 'archived', payload: { subject: '20% off fiber upgrades', from: 'offers@brightline.example' }, receivedAt: daysAgo(5, 14) },
  { key: 'email:bank-alert', source: 'email', status: 'new', payload: { subject: 'Your statement is ready', from: 'alerts@harborfcu.example' }, receivedAt: daysAgo(0, -3) },
  { key: 'manual:note-1', source: 'manual', status: 'new', payload: { text: 'Ask landlord about the dishwasher repair' }, receivedAt: daysAgo(0, -9) },
  { key: 'api:calendar-sync', source: 'api', status: 'attached', payload: { calendar: 'family', events: 3 }, receivedAt: daysAgo(2, -2) },
];

async function seedSignals(db: SeedDb): Promise<number> {
  return upsertRows(db, signals, SIGNALS.map((s) => ({
    id: signalId(s.key),
    source: s.source,
    payloadJson: s.payload,
    receivedAt: s.receivedAt,
    status: s.status,
    dedupeKey: `${s.source}:${sha256Hex(`lifegraph-signal:${s.key}`).slice(0, 32)}`,
    extractionId: s.document ? documentId(s.document) : null,
    extractionCost: s.cost ?? null,
  })));
}

function links(): Array<typeof documentLinks.$inferInsert> {
  const rows: Array<typeof documentLinks.$inferInsert> = [];
  for (const c of COMMITMENTS.filter((x) => x.document)) {
    rows.push({ documentId: documentId(c.document!), entityType: 'commitment', entityId: commitmentId(c.key), createdAt: at(c.createdAt, MINUTE) });
    if (c.counterparty) rows.push({ documentId: documentId(c.document!), entityType: 'party', entityId: partyId(c.counterparty), createdAt: at(c.createdAt, MINUTE) });
  }
  rows.push(
    { documentId: documentId('w2-2025'), entityType: 'role', entityId: roleId('jordan-taxpayer'), createdAt: utc('2026-01-30 15:05') },
    { documentId: documentId('w2-2025'), entityType: 'party', entityId: partyId('acme'), createdAt: utc('2026-01-30 15:05') },
    { documentId: documentId('1099-int-2025'), entityType: 'party', entityId: partyId('harbor-fcu'), createdAt: utc('2026-02-11 09:35') },
    { documentId: documentId('report-card-q1'), entityType: 'role', entityId: roleId('sam-student'), createdAt: at(daysAgo(9, 18), 3 * MINUTE) },
    { documentId: documentId('paystub-2026-10'), entityType: 'role', entityId: roleId('jordan-employee'), createdAt: utc('2026-10-31 06:02') },
    { documentId: documentId('laptop-receipt'), entityType: 'role', entityId: roleId('sam-student'), createdAt: utc('2026-08-24 16:35') },
  );
  // One link per (document, entity): two commitments from one lease share its landlord.
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.documentId}|${r.entityType}|${r.entityId}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

async function seedDocumentLinks(db: SeedDb): Promise<number> {
  return upsertRows(db, documentLinks, links());
}

function interactionRows(): Array<typeof interactions.$inferInsert> {
  const rows: Array<typeof interactions.$inferInsert> = [];
  const add = (key: string, row: Omit<typeof interactions.$inferInsert, 'id'>) => rows.push({ id: seedUuid(`lifegraph.interactions:${key}`), ...row });
  for (const s of SIGNALS) {
    add(`signal:${s.key}`, { type: 'signal.received', actorType: 'system', actorId: null, primaryEntityType: 'signal', primaryEntityId: signalId(s.key), relatedEntities: [], metadata: { source: s.source }, cost: null, createdAt: s.receivedAt });
  }
  for (const d of DOCUMENTS.filter((x) => x.extraction)) {
    add(`extract:${d.key}`, { type: 'document.extracted', actorType: 'agent', actorId: null, primaryEntityType: 'document', primaryEntityId: documentId(d.key), relatedEntities: [{ type: 'signal', id: signalId(`doc:${d.key}`) }], metadata: { extraction_type: d.extraction!.type, model: 'vision-extract-2026-08' }, cost: d.extraction!.cost, createdAt: at(d.createdAt, d.extraction!.afterMinutes * MINUTE) });
  }
  for (const c of COMMITMENTS) {
    const role = ROLES.find((r) => r.key === c.role)!;
    add(`commitment:${c.key}`, { type: 'commitment.created', actorType: c.source === 'manual' ? 'user' : 'agent', actorId: c.source === 'manual' ? USERS[role.user] : null, primaryEntityType: 'commitment', primaryEntityId: commitmentId(c.key), relatedEntities: [{ type: 'role', id: roleId(c.role) }, ...(c.document ? [{ type: 'document', id: documentId(c.document) }] : [])], metadata: { state: c.state }, cost: c.source === 'manual' ? null : '0.0015', createdAt: at(c.createdAt, 30_000) });
    if (['fulfilled', 'canceled', 'delinquent', 'paused'].includes(c.state)) {
      const when = c.state === 'delinquent' ? at(c.due!, HOUR) : c.state === 'fulfilled' && c.due ? at(c.due, 2 * HOUR) : at(c.createdAt, 7 * DAY);
      add(`commitment:${c.key}:state`, { type: 'commitment.state_changed', actorType: c.state === 'delinquent' ? 'system' : 'user', actorId: c.state === 'delinquent' ? null : USERS[role.user], primaryEntityType: 'commitment', primaryEntityId: commitmentId(c.key), relatedEntities: [], metadata: { from: 'active', to: c.state, reason: c.reason ?? null }, cost: null, createdAt: when });
    }
  }
  add('reminder:field-trip', { type: 'reminder.sent', actorType: 'system', actorId: null, primaryEntityType: 'commitment', primaryEntityId: commitmentId('field-trip'), relatedEntities: [{ type: 'party', id: partyId('riverside') }], metadata: { channel: 'push' }, cost: null, createdAt: daysAgo(1, -8) });
  add('reminder:water-bill', { type: 'reminder.sent', actorType: 'system', actorId: null, primaryEntityType: 'commitment', primaryEntityId: commitmentId('water-bill'), relatedEntities: [], metadata: { channel: 'email' }, cost: null, createdAt: daysAgo(0, -8) });
  return rows;
}

async function seedInteractions(db: SeedDb): Promise<number> {
  return upsertRows(db, interactions, interactionRows());
}

export const lifegraphSteps: SeedStep[] = [
  { table: 'lifegraph.parties', run: seedParties },
  { table: 'lifegraph.roles', run: seedRoles },
  { table: 'lifegraph.documents', run: seedDocuments },
  { table: 'lifegraph.commitments', run: seedCommitments },
  { table: 'lifegraph.signals', run: seedSignals },
  { table: 'lifegraph.document_links', run: seedDocumentLinks },
  { table: 'lifegraph.interactions', run: seedInteractions },
];
