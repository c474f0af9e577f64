import {
  describeOperationError,
  operationTarget,
  assertRunAllowed,
  runDryRun,
  runOperation,
  type OperationTarget,
} from '@/lib/console/environment-operations';
import { operationRequestSchema, type OperationEvent } from '@/lib/console/operation-request';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * POST a dry run or a real apply/rollback on one environment. Everything that can be
 * refused (bad body, unknown environment, protected environment, unconfirmed target) is
 * refused with a JSON error before anything connects; then the answer is an NDJSON stream
 * of progress events ending in one `result` or `error` line, so the browser can show
 * change set by change set, statement by statement progress.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const { env } = await params;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ code: 'BAD_USAGE', message: 'The request body must be JSON.' }, { status: 400, headers });
  }
  const parsed = operationRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return Response.json({ code: 'BAD_USAGE', message: `Invalid request: ${issue?.path.join('.') || 'body'}: ${issue?.message}` }, { status: 400, headers });
  }
  const operation = parsed.data;
  let target: OperationTarget;
  try {
    target = operationTarget(env);
    if (operation.kind === 'run') assertRunAllowed(target.environment, operation);
  } catch (error) {
    const { status, code, message } = describeOperationError(error);
    return Response.json({ code, message }, { status, headers });
  }

  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      // A closed tab must not stop the operation half-way: once started, it finishes and is recorded.
      const send = (line: OperationEvent<unknown>) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          // the reader went away
        }
      };
      const onProgress = (event: Parameters<NonNullable<Parameters<typeof runDryRun>[2]>>[0]) => send({ type: 'progress', event });
      try {
        const result = operation.kind === 'dry-run' ? await runDryRun(target, operation, onProgress) : await runOperation(target, operation, onProgress);
        send({ type: 'result', result });
      } catch (error) {
        const { code, message } = describeOperationError(error, target.environment.url);
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
  return new Response(stream, { headers: { ...headers, 'Content-Type': 'application/x-ndjson; charset=utf-8' } });
}
