'use client';

import { useQuery } from '@tanstack/react-query';
import type { Positions } from '@/lib/console/erd-view-input';
import type { ErdView, ErdViewSummary } from '@/lib/console/erd-views';
import { parseViewState, type ErdViewState } from '@/lib/erd/view-state';

/**
 * Named ERD views from the console's API (GET /api/environments/<env>/views[/<id>]), for the
 * toolbar's Views menu and for the ERD page loading `?view=<id>`.
 */

/** A listed view, with what the signed-in person may do with it (the server decides again on every change). */
export interface ListedView extends ErdViewSummary {
  mayChange: boolean;
  mayDelete: boolean;
}

export const namedViewKeys = {
  list: (env: string) => ['erd-views', env] as const,
  one: (env: string, id: string) => ['erd-views', env, id] as const,
};

/** The link that opens a named view: the ERD page reads `view` and applies it. */
export function namedViewHref(env: string, id: number | string): string {
  return `/environments/${encodeURIComponent(env)}/erd?view=${encodeURIComponent(String(id))}`;
}

const viewsUrl = (env: string) => `/api/environments/${encodeURIComponent(env)}/views`;

/** A refusal or failure of the views API, in the server's words. */
export class NamedViewError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NamedViewError';
  }
}

/** One call to the views API: its JSON answer, or a NamedViewError with the server's message. */
export async function callViews<T>(url: string, init?: { method: 'POST' | 'DELETE'; body?: unknown }): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      cache: 'no-store',
      method: init?.method ?? 'GET',
      ...(init?.body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new NamedViewError(0, 'network', 'The Strata console did not answer. Is it still running?');
  }
  const answer = (await response.json().catch(() => null)) as (T & { code?: string; message?: string }) | null;
  if (!response.ok || answer === null) throw new NamedViewError(response.status, answer?.code ?? 'http', answer?.message ?? `The server answered ${response.status}.`);
  return answer;
}

export function useNamedViews(env: string) {
  return useQuery<ListedView[], NamedViewError>({
    queryKey: namedViewKeys.list(env),
    queryFn: async () => (await callViews<{ views: ListedView[] }>(viewsUrl(env))).views,
    staleTime: 5_000,
  });
}

export function saveNamedView(env: string, input: { name: string; state: string; positions: Positions }): Promise<ErdView> {
  return callViews<ErdView>(viewsUrl(env), { method: 'POST', body: input });
}

export function deleteNamedView(env: string, id: number): Promise<{ deleted: ErdViewSummary }> {
  return callViews(`${viewsUrl(env)}/${id}`, { method: 'DELETE' });
}

/** What loading `?view=<id>` gives the ERD page. */
export type NamedViewLoad =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; view: ErdView; state: ErdViewState; positions: Positions }
  | { status: 'problem'; problem: string };

/**
 * The named view `id` of `env`, ready to apply: its state parsed back into an ErdViewState and
 * its layout. A missing, deleted or unreadable view is a problem in words to show (e.g. "staging
 * has no view 12"); `id` null or empty is idle (no `view` parameter).
 */
export function useNamedView(env: string, id: string | null): NamedViewLoad {
  const query = useQuery<ErdView, NamedViewError>({
    queryKey: namedViewKeys.one(env, id ?? ''),
    queryFn: () => callViews<ErdView>(`${viewsUrl(env)}/${encodeURIComponent(id ?? '')}`),
    enabled: Boolean(id),
    staleTime: Infinity,
    retry: (count, error) => error.status >= 500 && count < 2,
  });
  if (!id) return { status: 'idle' };
  if (query.isPending) return { status: 'loading' };
  if (query.isError) return { status: 'problem', problem: `The view could not be opened: ${query.error.message}` };
  const parsed = parseViewState(new URLSearchParams(query.data.state));
  if (!parsed.ok) return { status: 'problem', problem: `The view “${query.data.name}” could not be read: ${parsed.problem}` };
  return { status: 'ready', view: query.data, state: parsed.state, positions: query.data.positions };
}
