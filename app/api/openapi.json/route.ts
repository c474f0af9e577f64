import { openApiDocument } from '@/lib/console/openapi';
import { STRATA_VERSION } from '@/lib/health/public-health';

export const dynamic = 'force-static';

/** GET the HTTP API's OpenAPI 3.0 description, generated from the schemas the doors validate with. Open: it describes, it holds nothing. */
export function GET(): Response {
  return Response.json(openApiDocument(STRATA_VERSION));
}
