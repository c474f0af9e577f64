/**
 * The nouns of sign-in, roles, approvals and the audit trail. Everything here lives in the
 * console database (schema `console`), never in a target.
 */

/** Ordered: each role can do everything the ones before it can. */
export const ROLES = ['viewer', 'developer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting. The CLI acts as a named actor with the role `admin` recorded as `cli`. */
export interface Principal {
  username: string;
  role: Role;
  /** 'console' for a signed-in browser session, 'cli' for the command line. */
  via: 'console' | 'cli';
}

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  /** Set for users who sign in through OpenID Connect. */
  oidcSubject: string | null;
  createdAt: string;
  updatedAt: string;
  /** Who added the account (a user name, `cli:…`, `first start`, `single sign-on`), when known. */
  createdBy: string | null;
  /** Who gave it its current role, and when (the creation, unless the role changed since). */
  roleChangedBy: string | null;
  roleChangedAt: string;
}

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'executing' | 'executed' | 'failed' | 'expired';

/**
 * What a request asks for. `change`: an apply or a rollback (direction, to, steps); every other
 * kind carries its input as `payload`, validated by the kind (lib/console/request-kinds.ts):
 * `resolve` settles a failed, edited or interrupted change set, `skip`/`unskip` an optional one;
 * `rollout` is a protected fleet's whole rollout (its `environment` is the fleet's name).
 */
export const REQUEST_KINDS = ['change', 'resolve', 'skip', 'unskip', 'restore', 'rollout'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** A request to change a protected environment (two-person approval). */
export interface ChangeRequest {
  id: number;
  environment: string;
  kind: RequestKind;
  /** The kind's input (null for `change`, whose input is direction, to and steps). */
  payload: unknown;
  /** `change` only: apply or roll back; null for other kinds. */
  direction: 'apply' | 'rollback' | null;
  /** apply: up to this tag; rollback: back to (keeping) this tag. */
  to: string | null;
  steps: number | null;
  /** The change sets the plan runs, in order, with the checksum each had when requested. */
  plan: Array<{ tag: string; checksum: string }>;
  /** The shadow dry run's result summary attached at request time (JSON). */
  dryRun: unknown;
  /** The rehearsal started when an apply request was filed (a console operation of kind `rehearse`), or null. */
  rehearsalOperation: number | null;
  requestedBy: string;
  requestedAt: string;
  reason: string;
  status: RequestStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  expiresAt: string;
  executedBy: string | null;
  executedAt: string | null;
  /** The session label of whoever claimed it (held the target's lock while executing). */
  executor: string | null;
  /** Summary of the run (records, failure) once executed. */
  result: unknown;
}

/** `started`: the intent, written before a change; its outcome (`ok`, `denied`, `failed`) names it. */
export type AuditOutcome = 'started' | 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  /** e.g. sign-in, dry-run, apply, rollback, resolve, baseline, seed, reset, request, approve, reject, execute, user-add, user-disable, role-change, backup-restore */
  action: string;
  environment: string | null;
  /** Change set versions, a table, a user name, a request id… */
  target: string | null;
  outcome: AuditOutcome;
  durationMs: number | null;
  /** Free-form detail (never secrets). */
  detail: string | null;
  /** For an outcome: the id of its intent (the `started` entry written before the work). */
  intentId: number | null;
  /** For an intent, as listed: no outcome names it yet (still running, or its process stopped). Not hashed. */
  open?: boolean;
  /** HMAC of the previous entry's hash and this entry's fields: editing or deleting any entry breaks the chain. */
  prevHash: string;
  hash: string;
}
