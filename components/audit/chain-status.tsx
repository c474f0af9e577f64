import type { AuditVerification, HeadCheck } from '@/lib/auth/audit';
import type { AuditProtection } from '@/lib/auth/console-db';

/** The audit chain's verification, at the top of the audit page. */
export type ChainCheck = (AuditVerification & { protection: AuditProtection }) | { error: string };

export function ChainStatus({ check }: { check: ChainCheck }) {
  if ('error' in check) {
    return (
      <p role="alert" data-testid="audit-chain" data-ok="unknown" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm font-medium text-amber-950">
        The chain could not be verified: {check.error}
      </p>
    );
  }
  const notes = <ChainNotes head={check.head} protection={check.protection} />;
  if (check.ok) {
    return (
      <div role="status" data-testid="audit-chain" data-ok="true" data-head={check.head.state} className="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
        <p className="flex items-center gap-2 font-semibold">
          <span aria-hidden="true">✓</span>
          Chain intact: {check.entries.toLocaleString('en-US')} {check.entries === 1 ? 'entry' : 'entries'} verified
        </p>
        {notes}
      </div>
    );
  }
  return (
    <div role="alert" data-testid="audit-chain" data-ok="false" data-head={check.head.state} className="rounded-lg border-2 border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-bold text-red-800">
        Chain broken at entry #{check.firstBroken.id}: {check.firstBroken.reason}
      </p>
      {check.head.state === 'cut' && check.firstBroken.id > check.entries ? (
        <p className="mt-1">
          The {check.entries.toLocaleString('en-US')} entries in the database hold together, but the head recorded outside it says the trail went further: its newest
          entries were removed, or it was replaced. Compare with your copies of the trail before trusting it.
        </p>
      ) : (
        <p className="mt-1">
          Entries were edited, deleted, reordered or cut off outside Strata ({check.entries.toLocaleString('en-US')} entries checked up to there). Entries from #
          {check.firstBroken.id} on cannot be trusted.
        </p>
      )}
      {notes}
    </div>
  );
}

/** What the head kept outside the database says, and what the console's role could do to the trail. */
function ChainNotes({ head, protection }: { head: HeadCheck; protection: AuditProtection }) {
  const headLine =
    head.state === 'matches'
      ? `The newest entry (#${head.id}) is the one recorded outside the database.`
      : head.state === 'behind'
        ? `The head recorded outside the database is entry #${head.id}; ${head.newer} newer ${head.newer === 1 ? 'entry was' : 'entries were'} appended since (another console host, or a crash between an append and the file).`
        : head.state === 'missing'
          ? 'No head is recorded outside the database for this trail yet: entries cut from its end could not be noticed.'
          : null;
  return (
    <>
      {headLine && (
        <p data-testid="audit-head" className="mt-1 text-xs opacity-90">
          {headLine}
        </p>
      )}
      {!protection.appendOnly && (
        <p data-testid="audit-protection" className="mt-1 text-xs font-medium text-amber-900">
          Warning: {protection.risks.join('; ')}. Give the console a role that may only SELECT and INSERT audit entries (see the README&apos;s Security model).
        </p>
      )}
    </>
  );
}
