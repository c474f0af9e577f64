import Link from 'next/link';
import { Card } from '@/components/ui/card';
import type { Counter, EnvironmentView, Tone } from './environment-display';
import { JournalProgress } from './journal-progress';
import { ProtectionBadge } from './protection-badge';

const valueTone: Record<Tone, string> = {
  neutral: 'text-zinc-900',
  green: 'text-emerald-700',
  amber: 'text-amber-700',
  red: 'text-red-700',
  violet: 'text-violet-700',
};

/** One environment: where its schema stands and whether anything needs attention. */
export function EnvironmentCard({ view }: { view: EnvironmentView }) {
  const headingId = `env-${view.name}-heading`;
  return (
    <Card alert={!view.reachable} aria-labelledby={headingId} data-testid={`env-card-${view.name}`} className="h-full">
      <header className="flex items-start justify-between gap-3 px-5 pt-5">
        <h3 id={headingId} className="truncate text-2xl font-semibold tracking-tight text-zinc-900">
          {view.name}
        </h3>
        <ProtectionBadge protection={view.protection} />
      </header>
      <Reachability view={view} />
      {view.reachable ? <Details view={view} /> : <Unreachable error={view.error} />}
    </Card>
  );
}

function Reachability({ view }: { view: EnvironmentView }) {
  return (
    <p
      title={`Checked ${view.checkedAt.absolute}`}
      data-testid="reachability"
      className={`flex items-center gap-2 px-5 pt-1 text-sm font-medium ${view.reachable ? 'text-emerald-700' : 'text-red-700'}`}
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${view.reachable ? 'bg-emerald-600' : 'bg-red-600'}`} />
      {view.reachable ? 'Reachable' : 'Unreachable'}
    </p>
  );
}

function Details({ view }: { view: EnvironmentView }) {
  return (
    <div className="flex flex-col gap-5 px-5 pt-5 pb-5">
      <section aria-label="Schema version" className="flex flex-col gap-2">
        <h4 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Schema version</h4>
        <p
          data-testid="schema-version"
          className={`font-mono text-sm break-all ${view.version.applied ? 'text-zinc-900' : 'text-zinc-500 italic'}`}
        >
          {view.version.tag}
        </p>
        {view.progress && <JournalProgress {...view.progress} />}
        {view.version.position && <p className="text-xs text-zinc-600">{view.version.position}</p>}
      </section>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-4 border-t border-zinc-100 pt-4">
        <div className="col-span-2">
          <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Last migration</dt>
          <dd className="mt-1 text-sm text-zinc-900">
            {view.lastMigration ? (
              <>
                <time dateTime={view.lastMigration.iso}>{view.lastMigration.absolute}</time>
                <span className="text-zinc-500"> · {view.lastMigration.relative}</span>
              </>
            ) : (
              <span className="text-zinc-500">Never</span>
            )}
          </dd>
        </div>
        {view.counters.map((counter) => (
          <CounterItem key={counter.label} counter={counter} />
        ))}
      </dl>
      <div className="flex gap-4">
        <Link href={`/environments/${encodeURIComponent(view.name)}`} className="text-sm font-medium text-blue-700 hover:underline">
          History &amp; actions →<span className="sr-only"> ({view.name})</span>
        </Link>
        <Link href={`/environments/${encodeURIComponent(view.name)}/erd`} className="text-sm font-medium text-blue-700 hover:underline">
          ERD →<span className="sr-only"> (schema diagram of {view.name})</span>
        </Link>
      </div>
    </div>
  );
}

function CounterItem({ counter }: { counter: Counter }) {
  const slug = counter.label.toLowerCase().replace(/\s+/g, '-');
  return (
    <div title={counter.hint}>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{counter.label}</dt>
      <dd data-testid={`count-${slug}`} className={`mt-1 text-2xl font-semibold tabular-nums ${valueTone[counter.tone]}`}>
        {counter.value}
      </dd>
    </div>
  );
}

function Unreachable({ error }: { error: string | null }) {
  return (
    <div role="alert" className="mx-5 mt-5 mb-5 rounded-lg border border-red-200 bg-red-50 p-4">
      <p className="text-sm font-semibold text-red-800">Cannot read this environment</p>
      {error && <p className="mt-2 font-mono text-xs break-words text-red-900">{error}</p>}
      <p className="mt-2 text-xs text-red-800">Version, pending and failed counts are unknown until it answers again.</p>
    </div>
  );
}
