import 'server-only';
import type { OperationEvent } from '@/lib/console/operation-request';
import { requireOperation, waitForOperation, type OperationRecord } from '@/lib/console/operations';
import { loadConfig } from '@/lib/config/environments';
import type { Opened } from './operation-doors';
import { refusedResponse } from './guard';
import { describeOperationError } from '@/lib/console/describe-error';
import { secretUrlsOf, withSafeErrors } from '@/lib/db/safe-message';
import type { ProgressEvent } from '@/lib/migrate/run-context';

/**
 * The HTTP API's answer to a started operation: an NDJSON stream that follows its record —
 * `{type: operation, id}` first (the record is at /api/operations/{id}), then its progress
 * events, then one `result` or `error` line. Closing the stream does not stop the work: the
 * operation goes on (on its queue worker) and its record keeps what happens.
 */
export function streamOpened(opened: Opened): Response {
  if (!opened.ok) return refusedResponse(opened);
  const { id } = opened.started;
  const encoder = new TextEncoder();
  // The reader going away stops following (the operation goes on).
  const following = new AbortController();
  const stream = new ReadableStream<Uint8Array>({
    cancel() {
      following.abort();
    },
    async start(controller) {
      const send = (line: OperationEvent<unknown> | { type: 'operation'; id: number }) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          // the reader went away; the operation goes on
        }
      };
      send({ type: 'operation', id });
      // A queue worker runs it — in another process, usually: follow its row (live when it runs here).
      const config = loadConfig();
      const ended = waitForOperation(config, id, { onEvent: (event) => send({ type: 'progress', event }), signal: following.signal });
      const record: OperationRecord = await ended.catch(() => requireOperation(config, id));
      if (following.signal.aborted) return;
      if (record.error) send({ type: 'error', code: record.error.code, message: record.error.message });
      else send({ type: 'result', result: record.result });
      try {
        controller.close();
      } catch {
        // already closed by the reader
      }
    },
  });
  return new Response(stream, {
    headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/x-ndjson; charset=utf-8', Location: `/api/operations/${id}` },
  });
}

/**
 * For work that is not an operation on an environment (filing a change request, which
 * dry-runs it on a shadow): the same NDJSON answer, straight from the work's progress.
 */
export function streamWork<T>(secretUrl: string, work: (onProgress: (event: ProgressEvent) => void) => Promise<T>): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: OperationEvent<unknown>) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          // the reader went away
        }
      };
      try {
        // A failed statement's words can name a database or role: results reach a browser.
        const secretUrls = secretUrlsOf(loadConfig());
        // A lock wait's message names the blocker's role (quoted), and a failed statement's words can name a database or role.
        send({ type: 'result', result: withSafeErrors(await work((event) => send({ type: 'progress', event: withSafeErrors(event, secretUrls) })), secretUrls) });
      } catch (error) {
        const { code, message } = describeOperationError(error, secretUrl);
        send({ type: 'error', code, message });
      } finally {
        try {
          controller.close();
        } catch {
          // already closed by the reader
        }
      }
    },
  });
  return new Response(stream, { headers: { 'Cache-Control': 'no-store', 'Content-Type': 'application/x-ndjson; charset=utf-8' } });
}
