import type { OperationRunners } from '../../lib/console/operation-runners';
import type { OperationControl, OperationKind } from '../../lib/console/operations';
import type { ProgressEvent } from '../../lib/migrate/run-context';

/** A piece of scripted work a test runs as an operation: what it reports, how it ends. */
export interface Script {
  work: (onProgress: (event: ProgressEvent) => void, control: OperationControl, id: number) => Promise<unknown>;
}

/**
 * Runners (lib/console/operation-runners.ts) for the operations tests: an operation whose
 * request is `{ script: name }` runs `scripts.get(name)` on a real queue worker, so the
 * machinery around the work — the queue, the claim, the progress and the outcome on the
 * row — is the real one while the work is whatever the test needs.
 */
export function scriptedRunners(scripts: Map<string, Script>, kinds: OperationKind[] = ['dry-run', 'apply']): OperationRunners {
  const script = (request: unknown) => {
    const found = scripts.get((request as { script?: string } | null)?.script ?? '');
    if (!found) throw new Error(`no script ${JSON.stringify(request)}`);
    return found;
  };
  return Object.fromEntries(
    kinds.map((kind) => [
      kind,
      {
        run: (work: { request: unknown; record: { id: number } }, onProgress: (event: ProgressEvent) => void, control: OperationControl) => script(work.request).work(onProgress, control, work.record.id),
        // As a run's: a result whose change set failed is a failed operation.
        verdict: (result: unknown) => ((result as { failed?: unknown } | null)?.failed ? 'failed' : 'succeeded'),
      },
    ]),
  ) as OperationRunners;
}
