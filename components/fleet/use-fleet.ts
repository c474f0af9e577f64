'use client';

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { FleetAnswer } from '@/lib/console/fleets';
import type { TargetDetail } from '@/lib/fleet/fleet-target-detail';
import type { TargetState } from '@/lib/fleet/types';

/** Targets per request: the list asks for the next page as it scrolls near the end. */
export const FLEET_PAGE_SIZE = 200;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message ?? `The server answered ${response.status}`);
  return body as T;
}

export interface FleetFilters {
  state: TargetState | null;
  search: string;
}

/**
 * The fleet's summary and its targets, page by page (filtered and sorted by the server).
 * While the server is reading targets again, it is asked every second, so counts fill in
 * as targets are read; while the latest rollout runs, every 2 seconds.
 */
export function useFleet(name: string, filters: FleetFilters) {
  return useInfiniteQuery<FleetAnswer, Error>({
    queryKey: ['fleet', name, filters.state, filters.search],
    initialPageParam: 0,
    retry: false,
    placeholderData: (previous) => previous,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(FLEET_PAGE_SIZE), offset: String(pageParam) });
      if (filters.state) params.set('state', filters.state);
      if (filters.search) params.set('search', filters.search);
      return getJson<FleetAnswer>(`/api/fleets/${encodeURIComponent(name)}?${params}`);
    },
    getNextPageParam: (last) => (last.query.offset + last.targets.length < last.matched ? last.query.offset + last.targets.length : undefined),
    // Also every 2 s while the latest rollout runs, so its waves fill in — and while it is
    // paused with targets still running (they finish), so the page does not keep showing them
    // running after they ended.
    refetchInterval: (query) => {
      const first = query.state.data?.pages[0];
      if (first?.refreshing) return 1000;
      const latest = first?.rollouts[0];
      return latest && (latest.state === 'running' || (latest.state === 'paused' && latest.waves.some((w) => w.running > 0))) ? 2000 : false;
    },
  });
}

/** One target read live (history, change sets, drift). */
export function useFleetTarget(name: string, target: string | null) {
  return useQuery<TargetDetail, Error>({
    queryKey: ['fleet-target', name, target],
    enabled: target !== null,
    retry: false,
    staleTime: 30_000,
    queryFn: () => getJson<TargetDetail>(`/api/fleets/${encodeURIComponent(name)}/targets/${encodeURIComponent(target!)}`),
  });
}

/** Asks the server to read every target of the fleet again now (in the background); the list then polls its progress. */
export async function refreshFleet(name: string): Promise<void> {
  await getJson(`/api/fleets/${encodeURIComponent(name)}?refresh=1&limit=1`);
}
