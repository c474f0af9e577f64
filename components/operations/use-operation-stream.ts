'use client';

import { useCallback, useRef, useState } from 'react';
import type { OperationEvent, OperationRequest } from '@/lib/console/operation-request';
import type { ProgressEvent } from '@/lib/migrate/run-context';

export type StreamState<Result> =
  | { phase: 'idle' }
  | { phase: 'running'; events: ProgressEvent[] }
  | { phase: 'done'; events: ProgressEvent[]; result: Result }
  | { phase: 'failed'; events: ProgressEvent[]; code: string; message: string };

/**
 * POSTs an operation to /api/environments/<env>/operations (or `url`: change requests and
 * their execution answer the same way) and follows its NDJSON answer: progress events as
 * they arrive, then the result or a readable error (never a stack).
 */
export function useOperationStream<Result>(env: string, url?: string) {
  const [state, setState] = useState<StreamState<Result>>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);

  const start = useCallback(
    async (request: OperationRequest | Record<string, unknown>) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const events: ProgressEvent[] = [];
      setState({ phase: 'running', events: [] });
      try {
        const response = await fetch(url ?? `/api/environments/${encodeURIComponent(env)}/operations`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(request),
          signal: controller.signal,
        });
        if (!response.ok || !response.body) {
          const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
          setState({ phase: 'failed', events, code: body?.code ?? String(response.status), message: body?.message ?? `The server answered ${response.status}.` });
          return;
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffered = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += value;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines.filter(Boolean)) {
            const message = JSON.parse(line) as OperationEvent<Result>;
            if (message.type === 'progress') {
              events.push(message.event);
              setState({ phase: 'running', events: [...events] });
            } else if (message.type === 'result') {
              setState({ phase: 'done', events: [...events], result: message.result });
            } else {
              setState({ phase: 'failed', events: [...events], code: message.code, message: message.message });
            }
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        setState({ phase: 'failed', events, code: 'NETWORK', message: `The connection to the server was lost (${(error as Error).message}). Check the history before retrying.` });
      }
    },
    [env, url],
  );

  const reset = useCallback(() => {
    abort.current?.abort();
    setState({ phase: 'idle' });
  }, []);

  return { state, start, reset };
}
