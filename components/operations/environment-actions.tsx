'use client';

import { useId, useState } from 'react';
import type { Protection } from '@/lib/config/environments';
import type { RollbackChoices } from '@/lib/migrate/rollback-choices';
import { undone } from '@/lib/migrate/rollback-order';
import { operationKind, type Capabilities } from './capabilities';
import { RehearseButton } from '@/components/rehearse/rehearse-button';
import { OperationButton, type OperationKind } from './operation-dialog';

interface Item {
  version: number;
  tag: string;
}

/**
 * Apply and roll back on one environment. Every button opens a dry run first. What the
 * buttons do follows the person's capabilities: run (operator on open and guarded
 * environments), request two-person approval (operator on protected ones), or dry-run
 * only (developer). A blocked environment (failed or edited change set) says what to
 * resolve first. The roll back buttons name the change sets their rollback undoes: the
 * engine's undo order (`rollback`, from rollbackChoices) through its own rule (`undone`),
 * never a guess from the journal's order.
 */
export function EnvironmentActions({
  env,
  protection,
  pending: livePending,
  rollback: liveRollback,
  blocked,
  capabilities,
}: {
  env: string;
  protection: Protection;
  capabilities: Capabilities;
  pending: Item[];
  rollback: RollbackChoices;
  blocked: boolean;
}) {
  // While a dialog is open, the page behind it keeps the state it was opened from: a run's end
  // refreshes the page, and an apply that leaves nothing pending would otherwise unmount its
  // own button — and the dialog showing the run's outcome with it.
  const [frozen, setFrozen] = useState<{ pending: Item[]; rollback: RollbackChoices } | null>(null);
  const pending = frozen?.pending ?? livePending;
  const rollback = frozen?.rollback ?? liveRollback;
  const holdWhileOpen = (open: boolean) => setFrozen(open ? { pending: livePending, rollback: liveRollback } : null);
  const [applyTo, setApplyTo] = useState(pending.at(-1)?.tag ?? '');
  const [rollbackTo, setRollbackTo] = useState(rollback.floors.at(-1)?.tag ?? '');
  const last = undoing(rollback, { steps: 1 });
  const floor = rollback.floors.find((f) => f.tag === rollbackTo) ?? rollback.floors.at(-1);
  const backTo = floor ? undoing(rollback, { toVersion: floor.version }) : null;
  const applyId = useId();
  const rollbackId = useId();
  const reasonId = useId();
  const kind: OperationKind | null = operationKind(capabilities);
  const reason = blocked ? 'A failed or edited change set blocks changes here: resolve it first (see above).' : null;
  const verb = kind === 'request' ? 'Request: ' : kind === 'dry-run' ? 'Dry-run: ' : '';
  const applyCount = pending.filter((p) => p.version <= (pending.find((q) => q.tag === applyTo)?.version ?? Infinity)).length;

  if (kind === null) {
    return (
      <p data-testid="environment-actions-none" className="rounded-lg border border-zinc-200 bg-white p-5 text-sm text-zinc-700">
        Your role ({capabilities.role}) can look at {env}; dry runs need a developer, changes an operator.
      </p>
    );
  }
  return (
    <section aria-labelledby="actions-heading" className="flex flex-col gap-4 rounded-lg border border-zinc-200 bg-white p-5" data-testid="environment-actions">
      <h2 id="actions-heading" className="text-lg font-semibold text-zinc-900">
        Change {env}
      </h2>
      {reason && (
        <p id={reasonId} data-testid="disabled-reason" role="note" className="rounded-md border border-violet-200 bg-violet-50 px-3 py-2 text-sm text-violet-950">
          {reason}
        </p>
      )}
      <div className="grid gap-6 md:grid-cols-2">
        <div className="flex flex-col gap-3">
          <h3 className="text-sm font-semibold text-zinc-700">Apply</h3>
          {pending.length === 0 ? (
            <p className="text-sm text-zinc-600">Nothing pending: every change set is applied.</p>
          ) : (
            <>
              <div className="flex flex-wrap items-start gap-2">
                <OperationButton onOpenChange={holdWhileOpen} env={env} protection={protection} plan={{ direction: 'apply', expected: pending.length, label: `${verb}Apply ${pending.length} pending` }} kind={kind ?? 'dry-run'} disabledReason={reason} reasonShownAt={reason ? reasonId : undefined} />
                {/* Beside the dry run: the same plan run for real on a scratch copy, to learn how long its locks are held. */}
                {capabilities.rehearse && !reason && <RehearseButton env={env} protection={protection} pending={pending.length} />}
              </div>
              {pending.length > 1 && (
                <div className="flex flex-wrap items-end gap-2">
                  <label htmlFor={applyId} className="flex flex-col gap-1 text-sm text-zinc-700">
                    Or apply up to
                    <select id={applyId} value={applyTo} onChange={(e) => setApplyTo(e.target.value)} className="rounded-md border border-zinc-300 px-2 py-1.5 font-mono text-sm">
                      {pending.map((p) => (
                        <option key={p.tag} value={p.tag}>
                          {p.tag}
                        </option>
                      ))}
                    </select>
                  </label>
                  <OperationButton onOpenChange={holdWhileOpen} env={env} protection={protection} plan={{ direction: 'apply', to: applyTo, expected: applyCount, label: `${verb}Apply up to ${shortTag(applyTo)}` }} kind={kind ?? 'dry-run'} disabledReason={reason} reasonShownAt={reason ? reasonId : undefined} />
                </div>
              )}
            </>
          )}
        </div>
        <div className="flex flex-col gap-3">
          <h3 className="text-sm font-semibold text-zinc-700">Roll back</h3>
          {last.tags.length === 0 ? (
            <p className="text-sm text-zinc-600">Nothing applied here to roll back.</p>
          ) : (
            <>
              <OperationButton
                onOpenChange={holdWhileOpen}
                env={env}
                protection={protection}
                tone="danger"
                plan={{ direction: 'rollback', steps: 1, expected: 1, label: `${verb}Roll back last change set (${last.tags[0]})` }}
                kind={kind ?? 'dry-run'}
                disabledReason={reason ?? last.refusal}
                reasonShownAt={reason ? reasonId : undefined}
              />
              {rollback.newestInJournal !== last.tags[0] && (
                <p data-testid="rollback-last-note" className="max-w-md text-xs text-zinc-600">
                  <span className="font-mono">{last.tags[0]}</span> was applied after <span className="font-mono">{rollback.newestInJournal}</span> (out of
                  journal order), so it is the change set applied last.
                </p>
              )}
              {floor && backTo && (
                <div className="flex flex-col gap-2">
                  <div className="flex flex-wrap items-end gap-2">
                    <label htmlFor={rollbackId} className="flex flex-col gap-1 text-sm text-zinc-700">
                      Or roll back to (keeping)
                      <select id={rollbackId} value={floor.tag} onChange={(e) => setRollbackTo(e.target.value)} className="rounded-md border border-zinc-300 px-2 py-1.5 font-mono text-sm">
                        {rollback.floors.map((f) => (
                          <option key={f.tag} value={f.tag}>
                            {f.tag}
                          </option>
                        ))}
                      </select>
                    </label>
                    <OperationButton
                      onOpenChange={holdWhileOpen}
                      env={env}
                      protection={protection}
                      tone="danger"
                      plan={{ direction: 'rollback', to: floor.tag, expected: backTo.tags.length, label: `${verb}Roll back to ${shortTag(floor.tag)}, undoing ${backTo.tags.map(shortTag).join(', ')}` }}
                      kind={kind ?? 'dry-run'}
                      disabledReason={reason ?? backTo.refusal}
                      reasonShownAt={reason ? reasonId : undefined}
                    />
                  </div>
                  <p data-testid="rollback-to-undoes" className="max-w-md text-xs text-zinc-600">
                    Undoes, in this order: <span className="font-mono">{backTo.tags.join(', ')}</span>
                  </p>
                </div>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}

/** What a rollback undoes (tags, in order) and, when some of them have no rollback file, why it cannot run. */
function undoing(rollback: RollbackChoices, selection: { steps: number } | { toVersion: number }): { tags: string[]; refusal: string | null } {
  const changeSets = undone(rollback.undoOrder, selection);
  const missing = changeSets.filter((c) => !c.hasRollback).map((c) => c.tag);
  return { tags: changeSets.map((c) => c.tag), refusal: missing.length ? `No rollback file for ${missing.join(', ')}: Strata cannot undo ${missing.length === 1 ? 'it' : 'them'}.` : null };
}

/** "0015" for "0015_risk_v1": the journal position a change set's tag starts with. */
function shortTag(tag: string): string {
  return /^\d+/.exec(tag)?.[0] ?? tag;
}
