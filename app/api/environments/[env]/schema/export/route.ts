import { answerFromSchema } from '@/app/schema-door';
import { toDbml } from '@/lib/erd/export-dbml';
import { toMarkdownDictionary } from '@/lib/erd/export-markdown';
import { toMermaid } from '@/lib/erd/export-mermaid';
import { inferRelationships } from '@/lib/erd/inferred';
import type { SchemaModel } from '@/lib/introspect/schema-model';

export const dynamic = 'force-dynamic';

const FORMATS: Record<string, { render: (model: SchemaModel) => string; suffix: string; type: string }> = {
  // Inferred relationships go into the diagrams, marked as inferred (as the ERD draws them).
  mermaid: { render: (m) => toMermaid(m, { inferred: inferRelationships(m) }), suffix: 'erd.mmd', type: 'text/vnd.mermaid; charset=utf-8' },
  dbml: { render: (m) => toDbml(m, { inferred: inferRelationships(m) }), suffix: 'schema.dbml', type: 'text/plain; charset=utf-8' },
  markdown: { render: (m) => toMarkdownDictionary(m, { inferred: inferRelationships(m) }), suffix: 'data-dictionary.md', type: 'text/markdown; charset=utf-8' },
};

/** GET ?format=mermaid|dbml|markdown: the whole schema of one environment as a text download. */
export function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const format = new URL(request.url).searchParams.get('format') ?? '';
  const chosen = Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
  const refuse = () =>
    chosen
      ? null
      : Response.json(
          { error: 'bad_format', message: `Unknown export format “${format}”; use one of ${Object.keys(FORMATS).join(', ')}.` },
          { status: 400, headers: { 'Cache-Control': 'no-store' } },
        );
  return answerFromSchema(request, params, { name: 'schema/export', failure: 'The export could not be produced; see the server log.', refuse }, (read, headers) => {
    const filename = `${read.environment.name}-${chosen!.suffix}`;
    return new Response(chosen!.render(read.model), {
      headers: { ...headers, 'Content-Type': chosen!.type, 'Content-Disposition': `attachment; filename="${filename}"` },
    });
  });
}
