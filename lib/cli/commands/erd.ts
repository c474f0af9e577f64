import fs from 'node:fs';
import path from 'node:path';
import { toDbml } from '../../erd/export-dbml';
import { toMarkdownDictionary } from '../../erd/export-markdown';
import { toMermaid } from '../../erd/export-mermaid';
import { inferRelationships } from '../../erd/inferred';
import { StrataError } from '../../errors';
import { introspectUrl } from '../../introspect/introspect';
import type { SchemaModel } from '../../introspect/schema-model';
import { defineCommand, valueFlag } from '../command';
import { TARGET_FLAGS } from '../flags';
import { withReachableTarget } from '../with-target';

// Inferred relationships go into the diagrams, marked as inferred (as the console's ERD draws them).
const FORMATS = {
  mermaid: (m: SchemaModel) => toMermaid(m, { inferred: inferRelationships(m) }),
  dbml: (m: SchemaModel) => toDbml(m, { inferred: inferRelationships(m) }),
  markdown: (m: SchemaModel) => toMarkdownDictionary(m, { title: `${m.database} — entity dictionary`, inferred: inferRelationships(m) }) } as const;

export const erdCommand = defineCommand({
  name: 'erd',
  summary: 'the schema as Mermaid, DBML or a Markdown entity dictionary [--format F] [--out FILE]',
  usage: ['strata erd (--env NAME | --database-url URL) [--format mermaid|dbml|markdown] [--out FILE]'],
  description: `The whole live schema as a Mermaid erDiagram (default), DBML, or a Markdown entity
dictionary, on stdout or into --out FILE.`,
  flags: {
    format: valueFlag('F', `${Object.keys(FORMATS).join(', ')} (default mermaid)`),
    out: valueFlag('FILE', 'write it into FILE instead of stdout'),
    ...TARGET_FLAGS,
  },
  async run(options) {
    const format = options.format ?? 'mermaid';
    if (!(format in FORMATS)) throw new StrataError('BAD_USAGE', `--format must be one of ${Object.keys(FORMATS).join(', ')} (got "${format}")`);
    return withReachableTarget(options, async (target) => {
      const text = FORMATS[format as keyof typeof FORMATS](await introspectUrl(target.url));
      if (options.out) {
        fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
        fs.writeFileSync(options.out, text);
        return { code: 0, text: `Wrote ${options.out}`, json: { format, file: options.out } };
      }
      return { code: 0, text: text.trimEnd(), json: { format, text } };
    });
  },
});
