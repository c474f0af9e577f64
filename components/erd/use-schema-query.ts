'use client';

import { useQuery } from '@tanstack/react-query';
import type { SchemaModel } from '@/lib/introspect/schema-model';

/** Query keys for schema reads, one per environment (a factory, so invalidation cannot typo). */
export const schemaKeys = {
  all: ['schema'] as const,
  environment: (env: string) => ['schema', env] as const,
};

/** A failed schema read, with the HTTP status and the server's message meant for people. */
export class SchemaFetchError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SchemaFetchError';
  }
}

/**
 * The last model each environment answered, with its ETag: a poll sends the ETag back and an
 * unchanged schema answers 304 with no body, so it costs a few hundred bytes, not the model.
 */
const lastAnswer = new Map<string, { etag: string; model: SchemaModel }>();

/** Where a fleet target's schema is read (its ERD): the target's own schema route. */
export function fleetTargetSchemaUrl(fleet: string, target: string): string {
  return `/api/fleets/${encodeURIComponent(fleet)}/targets/${encodeURIComponent(target)}/schema`;
}

export async function fetchSchema(env: string, signal?: AbortSignal, url = `/api/environments/${encodeURIComponent(env)}/schema`): Promise<SchemaModel> {
  let response: Response;
  const last = lastAnswer.get(env);
  try {
    response = await fetch(url, { cache: 'no-store', signal, headers: last ? { 'If-None-Match': last.etag } : {} });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new SchemaFetchError(0, 'network', 'The Strata console did not answer. Is it still running?');
  }
  if (response.status === 304 && last) return last.model;
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
    throw new SchemaFetchError(response.status, body?.error ?? 'http', body?.message ?? `The schema could not be loaded (HTTP ${response.status}).`);
  }
  const model = (await response.json()) as SchemaModel;
  const etag = response.headers.get('ETag');
  if (etag) lastAnswer.set(env, { etag, model });
  return model;
}

export const POLL_INTERVAL_MS = 10_000;

/**
 * The live schema of one environment (or of a fleet target, named `fleet/target`, read from
 * `url`): refetched every 10 s and when the window regains focus.
 * Structural sharing keeps unchanged tables the same objects between polls, so nothing
 * downstream recomputes when nothing changed.
 */
export function useSchemaQuery(env: string, url?: string) {
  return useQuery<SchemaModel, SchemaFetchError>({
    queryKey: schemaKeys.environment(env),
    queryFn: ({ signal }) => fetchSchema(env, signal, url),
    refetchInterval: (query) => (query.state.error?.status === 404 ? false : POLL_INTERVAL_MS),
    refetchOnWindowFocus: true,
    retry: (failures, error) => error.status !== 404 && failures < 1,
    staleTime: 2_000,
  });
}
