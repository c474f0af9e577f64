/** The audit chain's verification, at the top of the audit page. */
export type ChainCheck =
  | { ok: true; entries: number }
  | { ok: false; entries: number; firstBroken: { id: number; reason: string } }
  | { error: string };

export function ChainStatus({ check }: { check: ChainCheck }) {
  if ('error' in check) {
    return (
      <p role="alert" data-testid="audit-chain" data-ok="unknown" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm font-medium text-amber-950">
        The chain could not be verified: {check.error}
      </p>
    );
  }
  if (check.ok) {
    return (
      <p role="status" data-testid="audit-chain" data-ok="true" className="flex items-center gap-2 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm font-semibold text-emerald-900">
        <span aria-hidden="true">✓</span>
        Chain intact: {check.entries.toLocaleString('en-US')} {check.entries === 1 ? 'entry' : 'entries'} verified
      </p>
    );
  }
  return (
    <div role="alert" data-testid="audit-chain" data-ok="false" className="rounded-lg border-2 border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-bold text-red-800">
        Chain broken at entry #{check.firstBroken.id}: {check.firstBroken.reason}
      </p>
      <p className="mt-1">
        An entry was edited, deleted or reordered outside Strata ({check.entries.toLocaleString('en-US')} entries checked up to there). Entries from #
        {check.firstBroken.id} on cannot be trusted.
      </p>
    </div>
  );
}
