import type { AuditOutcome } from '@/lib/auth/types';

/**
 * The audit trail's filters, kept in the URL (`?actor=ada&action=approve&environment=production&outcome=denied`)
 * so that a filtered view can be linked to and survives a reload. Each is an exact match;
 * '' matches everything.
 */
export interface AuditFilter {
  actor: string;
  action: string;
  environment: string;
  outcome: '' | AuditOutcome;
}

export const OUTCOMES: readonly AuditOutcome[] = ['started', 'ok', 'denied', 'failed'];

/** The actions Strata records, for the action filter (anything else in the URL is kept too). */
export const KNOWN_ACTIONS: readonly string[] = [
  'sign-in',
  'dry-run',
  'apply',
  'rollback',
  'resolve',
  'baseline',
  'seed',
  'reset',
  'request',
  'approve',
  'reject',
  'execute',
  'user-add',
  'user-disable',
  'role-change',
  'backup-restore',
];

const FIELDS = ['actor', 'action', 'environment', 'outcome'] as const;

function clean(value: string | null | undefined): string {
  return (value ?? '').trim().slice(0, 200);
}

/** Reads the filters; an unknown outcome falls back to every outcome. */
export function parseAuditFilter(params: { get(name: string): string | null }): AuditFilter {
  const outcome = clean(params.get('outcome'));
  return {
    actor: clean(params.get('actor')),
    action: clean(params.get('action')),
    environment: clean(params.get('environment')),
    outcome: (OUTCOMES as readonly string[]).includes(outcome) ? (outcome as AuditOutcome) : '',
  };
}

/** Next.js's `searchParams` object as something `parseAuditFilter` reads (the first value of each). */
export function searchParamsReader(params: Record<string, string | string[] | undefined>): { get(name: string): string | null } {
  return {
    get(name) {
      const value = params[name];
      return (Array.isArray(value) ? value[0] : value) ?? null;
    },
  };
}

/** The query string for a filter, other parameters kept, empty filters left out. Returns '' or '?…'. */
export function auditFilterQuery(filter: AuditFilter, current: string = ''): string {
  const params = new URLSearchParams(current);
  for (const field of FIELDS) {
    const value = filter[field].trim();
    if (value === '') params.delete(field);
    else params.set(field, value);
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function isFiltered(filter: AuditFilter): boolean {
  return FIELDS.some((field) => filter[field] !== '');
}

/** The filter as listAudit's arguments (empty ones left out). */
export function auditQuery(filter: AuditFilter): { actor?: string; action?: string; environment?: string; outcome?: AuditOutcome } {
  return {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.environment ? { environment: filter.environment } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
  };
}
