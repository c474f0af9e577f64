import { answerFromSchema, answerWithModel } from '@/app/schema-door';

export const dynamic = 'force-dynamic';

/**
 * GET the live SchemaModel of one environment (the ERD polls this). 404 for an unknown
 * environment, 503 while it cannot be reached; the body never carries the URL. Its ETag is
 * the model's fingerprint: a poll that sends it back (If-None-Match) while nothing changed
 * gets 304 and no body — a few hundred bytes instead of the whole model (megabytes at
 * 2,000 tables).
 */
export function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  return answerFromSchema(request, params, { name: 'schema', failure: 'The schema could not be read; see the server log.' }, (read, headers) =>
    answerWithModel(request, read.model, headers),
  );
}
