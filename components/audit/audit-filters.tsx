'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { useUrlSyncedInput } from '@/components/ui/use-url-synced-input';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { auditFilterQuery, isFiltered, KNOWN_ACTIONS, OUTCOMES, parseAuditFilter, type AuditFilter } from './audit-filter';

const OUTCOME_LABEL: Record<string, string> = { '': 'All', started: 'Intents', ok: 'OK', denied: 'Denied', failed: 'Failed' };

/**
 * The audit trail's filters. They live in the URL, so the server reads the matching entries
 * and a filtered view can be linked to; the actor box updates the URL a moment after typing
 * stops (or on Enter). Pages must wrap this in <Suspense> (it reads search params).
 */
export function AuditFilters({ environments, actors }: { environments: string[]; actors: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filter = parseAuditFilter(searchParams);
  const [actorInput, setActorInput] = useUrlSyncedInput(filter.actor);
  const [pending, startTransition] = useTransition();
  const ids = useId();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const navigate = (next: Partial<AuditFilter>) => {
    if (timer.current) clearTimeout(timer.current);
    const query = auditFilterQuery({ ...filter, actor: actorInput, ...next }, searchParams.toString());
    startTransition(() => router.replace(`${pathname}${query}`, { scroll: false }));
  };

  const actions = filter.action && !KNOWN_ACTIONS.includes(filter.action) ? [...KNOWN_ACTIONS, filter.action] : KNOWN_ACTIONS;
  const envs = filter.environment && !environments.includes(filter.environment) ? [...environments, filter.environment] : environments;
  const select = 'h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900';
  const label = 'text-xs font-medium tracking-wide text-zinc-500 uppercase';

  return (
    <form
      role="search"
      aria-label="Filter the audit trail"
      aria-busy={pending}
      onSubmit={(e) => {
        e.preventDefault();
        navigate({ actor: actorInput });
      }}
      className="flex flex-wrap items-end gap-x-6 gap-y-3"
    >
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${ids}-actor`} className={label}>
          Actor
        </label>
        <input
          id={`${ids}-actor`}
          type="search"
          value={actorInput}
          placeholder="e.g. ada"
          autoComplete="off"
          spellCheck={false}
          list={`${ids}-actors`}
          data-testid="audit-filter-actor"
          onChange={(e) => {
            const value = e.target.value;
            setActorInput(value);
            if (timer.current) clearTimeout(timer.current);
            timer.current = setTimeout(() => navigate({ actor: value }), 400);
          }}
          className="h-9 w-48 rounded-md border border-zinc-300 bg-white px-3 font-mono text-sm text-zinc-900 placeholder:font-sans placeholder:text-zinc-400"
        />
        <datalist id={`${ids}-actors`}>
          {actors.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${ids}-action`} className={label}>
          Action
        </label>
        <select id={`${ids}-action`} value={filter.action} onChange={(e) => navigate({ action: e.target.value })} data-testid="audit-filter-action" className={select}>
          <option value="">All</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor={`${ids}-environment`} className={label}>
          Environment
        </label>
        <select
          id={`${ids}-environment`}
          value={filter.environment}
          onChange={(e) => navigate({ environment: e.target.value })}
          data-testid="audit-filter-environment"
          className={select}
        >
          <option value="">All</option>
          {envs.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </div>
      <SegmentedControl
        legend="Outcome"
        legendClassName={label}
        options={(['', ...OUTCOMES] as const).map((outcome) => ({ value: outcome, label: OUTCOME_LABEL[outcome], testId: `audit-outcome-${outcome || 'all'}` }))}
        value={filter.outcome}
        onChange={(outcome) => navigate({ outcome })}
      />
      {(isFiltered(filter) || actorInput.trim() !== '') && (
        <button
          type="button"
          onClick={() => {
            setActorInput('');
            navigate({ actor: '', action: '', environment: '', outcome: '' });
          }}
          className="h-9 rounded-md px-3 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50"
        >
          Clear filters
        </button>
      )}
      <p role="status" className="pb-2 text-sm text-zinc-500">
        {pending ? 'Loading…' : ''}
      </p>
    </form>
  );
}
