'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { TargetState } from '@/lib/fleet/types';
import { formatAbsolute } from '@/components/environments/environment-display';
import { FleetRollouts } from './fleet-rollouts';
import { FleetStateBar } from './fleet-state-bar';
import { TARGET_STATE_LOOK, TARGET_STATE_ORDER } from './fleet-states';
import { FleetTargetDetail } from './fleet-target-detail';
import { FleetTargetList } from './fleet-target-list';
import { refreshFleet, useFleet } from './use-fleet';

/**
 * The fleet page's working surface: counts per state as a bar and as filter buttons, a
 * search box, the virtualised list of targets × change sets, and one target's detail.
 * Everything counted is counted by the server; the list loads page by page as it scrolls.
 */
export function FleetView({ name, canRollout = false, canRequest = false }: { name: string; canRollout?: boolean; canRequest?: boolean }) {
  const [state, setState] = useState<TargetState | null>(null);
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [asked, setAsked] = useState(false);
  const queryClient = useQueryClient();

  // Ask the server once typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);

  const fleet = useFleet(name, { state, search });
  const first = fleet.data?.pages[0];
  const targets = useMemo(() => fleet.data?.pages.flatMap((p) => p.targets) ?? [], [fleet.data]);

  async function refresh() {
    setAsked(true);
    try {
      await refreshFleet(name);
    } finally {
      await queryClient.invalidateQueries({ queryKey: ['fleet', name] });
      setAsked(false);
    }
  }

  if (fleet.isError && !first) {
    return (
      <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
        The fleet could not be read: {fleet.error.message}
      </p>
    );
  }
  if (!first) {
    return (
      <p role="status" className="text-sm text-zinc-600">
        Reading the fleet…
      </p>
    );
  }

  const refreshing = first.refreshing;
  return (
    <div className="flex flex-col gap-5">
      <section aria-labelledby="fleet-states-heading" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-x-6 gap-y-2">
          <h2 id="fleet-states-heading" className="text-lg font-semibold text-zinc-900">
            {first.total} targets
            <span className="ml-2 text-sm font-normal text-zinc-600">
              × {first.changeSets.length} change sets
              {first.checkedBetween && (
                <>
                  {' '}
                  · read <time dateTime={first.checkedBetween.oldest}>{formatAbsolute(first.checkedBetween.oldest)}</time>
                  {first.checkedBetween.newest !== first.checkedBetween.oldest && (
                    <>
                      {' – '}
                      <time dateTime={first.checkedBetween.newest}>{formatAbsolute(first.checkedBetween.newest)}</time>
                    </>
                  )}
                </>
              )}
            </span>
          </h2>
          <div className="flex items-center gap-3">
            <p role="status" aria-live="polite" data-testid="fleet-refresh-status" className="text-sm text-zinc-600">
              {refreshing
                ? `Reading targets… ${refreshing.done} of ${refreshing.total}`
                : first.unchecked > 0
                  ? `${first.unchecked} targets not read yet`
                  : ''}
            </p>
            <button
              type="button"
              onClick={refresh}
              disabled={asked || refreshing !== null}
              className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:opacity-50"
            >
              Read all targets again
            </button>
          </div>
        </div>
        <FleetStateBar counts={first.counts} total={first.total} unchecked={first.unchecked} />
        <div role="group" aria-label="Show targets" className="flex flex-wrap gap-2">
          <FilterButton pressed={state === null} onClick={() => setState(null)} label="All" count={first.total - first.unchecked} testId="filter-all" />
          {TARGET_STATE_ORDER.map((s) => (
            <FilterButton
              key={s}
              pressed={state === s}
              onClick={() => setState(state === s ? null : s)}
              label={TARGET_STATE_LOOK[s].label}
              count={first.counts[s]}
              dot={TARGET_STATE_LOOK[s].bar}
              title={TARGET_STATE_LOOK[s].help}
              testId={`filter-${s}`}
            />
          ))}
        </div>
      </section>

      <FleetRollouts fleet={name} rollouts={first.rollouts} canRollout={canRollout} canRequest={canRequest} />

      <div className="grid gap-5 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="fleet-targets-heading" className="flex min-w-0 flex-col gap-3">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id="fleet-targets-heading" className="text-sm font-semibold text-zinc-900">
              Targets <span className="font-normal text-zinc-600">({first.matched} shown{state || search ? ` of ${first.total - first.unchecked}` : ''})</span>
            </h2>
            <label className="flex items-center gap-2 text-sm text-zinc-700">
              <span>Search</span>
              <input
                type="search"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                maxLength={100}
                placeholder="target name"
                data-testid="fleet-search"
                className="w-48 rounded-md border border-zinc-300 px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600"
              />
            </label>
          </div>
          <FleetTargetList
            changeSets={first.changeSets}
            matrix={first.matrix}
            targets={targets}
            matched={first.matched}
            selected={selected}
            onSelect={setSelected}
            loadMore={() => {
              if (fleet.hasNextPage && !fleet.isFetchingNextPage) void fleet.fetchNextPage();
            }}
          />
        </section>
        <FleetTargetDetail fleet={name} target={selected} onClose={() => setSelected(null)} />
      </div>
    </div>
  );
}

function FilterButton({ pressed, onClick, label, count, dot, title, testId }: { pressed: boolean; onClick: () => void; label: string; count: number; dot?: string; title?: string; testId: string }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      title={title}
      data-testid={testId}
      className={`inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 ${
        pressed ? 'border-zinc-900 bg-zinc-900 text-white' : 'border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50'
      }`}
    >
      {dot && <span aria-hidden="true" className={`size-2 rounded-full ${dot}`} />}
      {label}
      <span className={`tabular-nums ${pressed ? 'text-zinc-200' : 'text-zinc-500'}`}>{count}</span>
    </button>
  );
}
