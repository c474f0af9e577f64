import { z } from 'zod';
import { ROLES, type Principal } from '../auth/types';
import { readProject } from '../changesets/project';
import { findEnvironment, type StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import type { ProgressEvent } from '../migrate/run-context';
import { backupIdSchema, rehearsalRequestSchema, tableNameSchema } from './api-schemas';
import { executeRequest, findRequest } from './change-requests';
import { runRestore } from './environment-backups';
import { runDryRun, runOperation, runSeed, type OperationTarget } from './environment-operations';
import { operationRequestSchema } from './operation-request';
import type { OperationControl, OperationKind, OperationRecord, Verdict } from './operations';
import { rehearsalFailed, runRehearsal } from './rehearsals';

/**
 * Each kind of operation as a queue worker runs it: the work rebuilt from the stored record
 * alone — the worker's configuration, the environment by name, the person from the record's
 * actor and role, the request re-parsed with its schema (a record is input like any other),
 * a change request re-read by id. The door checked who may start it before recording it; the
 * service functions below still check what they check (a run names its environment, a
 * request is still approved, a dry run on the target needs its right).
 */
export interface OperationRunner {
  /** The record's request, when given, is parsed with it before `run` sees it. */
  schema?: z.ZodType;
  run(work: RecordedWork, onProgress: (event: ProgressEvent) => void, control: OperationControl): Promise<unknown>;
  /** How its result is judged (default: it ended, so it succeeded). */
  verdict?: Verdict<unknown>;
}

/** What a runner is given: the worker's configuration, the record, its request (parsed) and who started it. */
export interface RecordedWork {
  config: StrataConfig;
  record: OperationRecord;
  request: unknown;
  principal: Principal;
  /** The record's environment in the worker's configuration (NOT_FOUND/UNKNOWN_ENVIRONMENT when it is no longer configured). */
  target(): OperationTarget;
}

export type OperationRunners = Partial<Record<OperationKind, OperationRunner>>;

const failedIf: Verdict<unknown> = (result) => ((result as { failed?: unknown } | null)?.failed ? 'failed' : 'succeeded');

/** What the seed door stores (its `confirm` was checked there). */
const storedSeedSchema = z.object({ reset: z.boolean(), table: tableNameSchema.optional(), alsoEmpties: z.array(tableNameSchema).max(1000).optional() }).strict();
/** What the restore door stores (the confirmation was checked there). */
const storedRestoreSchema = z.object({ backup: backupIdSchema, write: z.boolean() }).strict();
/** What the rehearsal door (or a filed request) stores: the rehearsal, and the request it belongs to. */
const storedRehearsalSchema = rehearsalRequestSchema.extend({ requestId: z.number().int().positive().optional() });
const storedExecutionSchema = z.object({ requestId: z.number().int().positive() }).loose();

/** The record's request as its schema reads it, or BAD_USAGE naming the problem. */
function stored<S extends z.ZodType>(schema: S, record: Pick<OperationRecord, 'id' | 'kind'>, request: unknown): z.infer<S> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StrataError('BAD_USAGE', `Operation #${record.id} (${record.kind}) has a request its runner cannot read: ${issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

const environmentRun: OperationRunner = {
  schema: operationRequestSchema,
  run: (work, onProgress, control) => {
    const request = work.request as z.infer<typeof operationRequestSchema>;
    return request.kind === 'dry-run' ? runDryRun(work.target(), request, work.principal, onProgress) : runOperation(work.target(), request, work.principal, onProgress, control.cancelRequested);
  },
  verdict: failedIf,
};

const seedRun: OperationRunner = {
  schema: storedSeedSchema,
  run: (work, onProgress) => runSeed(work.target(), work.request as z.infer<typeof storedSeedSchema>, work.principal, onProgress),
};

/** Every kind a worker can run; a kind without one (promotion: recorded by nothing yet) fails with words saying so. */
export const OPERATION_RUNNERS: OperationRunners = {
  'dry-run': environmentRun,
  apply: environmentRun,
  rollback: environmentRun,
  seed: seedRun,
  reset: seedRun,
  'request-execution': {
    schema: storedExecutionSchema,
    run: async (work, onProgress, control) => {
      const target = work.target();
      const changeRequest = await findRequest(target, (work.request as { requestId: number }).requestId);
      return executeRequest(target, changeRequest, work.principal, onProgress, control.cancelRequested);
    },
    verdict: failedIf,
  },
  'backup-restore': {
    schema: storedRestoreSchema,
    // A dry run that finds problems did its job (it says what they are); a restore with one throws.
    run: (work, onProgress) => runRestore(work.target(), work.request as z.infer<typeof storedRestoreSchema>, work.principal, onProgress),
  },
  rehearse: {
    schema: storedRehearsalSchema,
    run: (work, onProgress) => {
      const { to, sample } = work.request as z.infer<typeof storedRehearsalSchema>;
      return runRehearsal(work.target(), { to, sample }, work.principal, onProgress);
    },
    verdict: (report) => (rehearsalFailed(report as Parameters<typeof rehearsalFailed>[0]) ? 'failed' : 'succeeded'),
  },
};

/** The person who started it, as the door saw them: a `cli` role is the command line's (an admin). */
export function principalOf(record: Pick<OperationRecord, 'actor' | 'role'>): Principal {
  if (record.role === 'cli') return { username: record.actor, role: 'admin', via: 'cli' };
  const role = z.enum(ROLES).parse(record.role);
  return { username: record.actor, role, via: 'console' };
}

/** The environment by name in the worker's configuration, and the project it runs. */
export function targetOf(config: StrataConfig, environment: string): OperationTarget {
  return { config, environment: findEnvironment(config, environment), project: readProject(config.projectDir) };
}

/** The work of a recorded operation, rebuilt from the record: throws (so the record fails, with these words) when it cannot be. */
export function rebuildWork(
  config: StrataConfig,
  record: OperationRecord,
  runners: OperationRunners = OPERATION_RUNNERS,
): { work: (onProgress: (event: ProgressEvent) => void, control: OperationControl) => Promise<unknown>; verdict: Verdict<unknown> } {
  const runner = runners[record.kind];
  return {
    work: async (onProgress, control) => {
      if (!runner) throw new StrataError('BAD_USAGE', `Operation #${record.id} is a ${record.kind}, which no queue worker runs`);
      const request = runner.schema ? stored(runner.schema, record, record.request) : record.request;
      return runner.run({ config, record, request, principal: principalOf(record), target: () => targetOf(config, record.environment) }, onProgress, control);
    },
    verdict: runner?.verdict ?? (() => 'succeeded'),
  };
}
