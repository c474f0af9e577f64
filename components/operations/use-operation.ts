'use client';

import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { StartAnswer } from '@/lib/console/start-answer';
import type { OperationRecord } from '@/lib/console/operations';
import type { StreamState } from './use-operation-stream';

/** How often a running operation's record is read while someone watches it. */
const POLL_MS = 400;

async function readOperation(id: number): Promise<OperationRecord> {
  const response = await fetch(`/api/operations/${id}`, { cache: 'no-store' });
  const body = (await response.json().catch(() => null)) as (OperationRecord & { message?: string }) | null;
  if (!response.ok || !body) throw new Error(body?.message ?? `The server answered ${response.status}.`);
  return body;
}

/** An operation's record as the progress and outcome views read it. */
export function operationState<Result>(record: OperationRecord | undefined, readError: Error | null): StreamState<Result> {
  if (!record) return readError ? { phase: 'failed', events: [], code: 'NETWORK', message: readError.message } : { phase: 'running', events: [] };
  if (record.state === 'running') return { phase: 'running', events: record.events };
  if (record.error) return { phase: 'failed', events: record.events, code: record.error.code, message: record.error.message };
  return { phase: 'done', events: record.events, result: record.result as Result };
}

/** Follows the recorded operation `id` (null: none yet) until it ends: a reload or a second browser reads the same record. */
export function useOperationRecord(id: number | null) {
  return useQuery({
    queryKey: ['operation', id],
    queryFn: () => readOperation(id!),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data?.state === 'running' || !query.state.data ? POLL_MS : false),
    retry: 2,
  });
}

/**
 * Starts an operation with a server action (which answers with the recorded operation's
 * id, or why it was refused) and follows its record: progress, then the outcome.
 */
export function useOperation<Result>() {
  const [id, setId] = useState<number | null>(null);
  const [refusal, setRefusal] = useState<{ code: string; message: string } | null>(null);
  const [starting, setStarting] = useState(false);
  const record = useOperationRecord(id);

  const start = useCallback(async (action: () => Promise<StartAnswer>) => {
    setRefusal(null);
    setStarting(true);
    try {
      const answer = await action();
      if (answer.ok) setId(answer.id);
      else setRefusal({ code: answer.code, message: answer.message });
    } catch (error) {
      setRefusal({ code: 'NETWORK', message: `The server could not be reached (${(error as Error).message}). Check the environment's operations before retrying.` });
    } finally {
      setStarting(false);
    }
  }, []);

  const reset = useCallback(() => {
    setId(null);
    setRefusal(null);
  }, []);

  let state: StreamState<Result>;
  if (refusal) state = { phase: 'failed', events: [], ...refusal };
  else if (id === null) state = starting ? { phase: 'running', events: [] } : { phase: 'idle' };
  else state = operationState<Result>(record.data, record.error);
  return { id, state, start, reset };
}
