import 'server-only';
import { describeOperationError } from '@/lib/console/describe-error';
import type { OperationEvent } from '@/lib/console/operation-request';
import type { ProgressEvent } from '@/lib/migrate/run-context';
import { loadConfig } from '@/lib/config/environments';
import { secretUrlsOf, withSafeErrors } from '@/lib/db/safe-message';

/**
 * Answers with an NDJSON stream: progress events as the engine reports them, then one
 * `result` or `error` line. A closed tab does not stop the work: once started, an
 * operation finishes and is recorded.
 */
export function streamOperation<T>(secretUrl: string, work: (onProgress: (event: ProgressEvent) => void) => Promise<T>): Response {
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
        send({ type: 'result', result: withSafeErrors(await work((event) => send({ type: 'progress', event })), secretUrlsOf(loadConfig())) });
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
