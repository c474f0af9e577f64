'use client';

import { useQuery } from '@tanstack/react-query';
import type { DriftReport } from '@/lib/migrate/drift';

/** The drift report of one environment (the server keeps one per environment for a few seconds; `checkedAt` says when it was made). */
export function useDrift(env: string) {
  return useQuery<DriftReport, Error>({
    queryKey: ['drift', env],
    staleTime: 60_000,
    retry: false,
    queryFn: async () => {
      const response = await fetch(`/api/environments/${encodeURIComponent(env)}/drift`, { cache: 'no-store' });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.message ?? `The server answered ${response.status}`);
      return body as DriftReport;
    },
  });
}
