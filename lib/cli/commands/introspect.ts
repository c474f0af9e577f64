import { introspectUrl } from '../../introspect/introspect';
import type { SchemaModel } from '../../introspect/schema-model';
import { defineCommand } from '../command';
import { TARGET_FLAGS } from '../flags';
import { table } from '../format';
import { withReachableTarget } from '../with-target';

export const introspectCommand = defineCommand({
  name: 'introspect',
  summary: 'the live schema as a SchemaModel (--json)',
  usage: ['strata introspect (--env NAME | --database-url URL) [--json]'],
  description: `Reads the live catalog into Strata's SchemaModel: schemas, tables (partitioned too),
columns, keys, foreign keys, indexes, checks, enums, views, extensions, comments, row
estimates and sizes, row-level security. Prints a summary, or the whole model with --json.`,
  flags: { ...TARGET_FLAGS },
  run: (options) =>
    withReachableTarget(options, async (target) => {
      const model = await introspectUrl(target.url);
      return { code: 0, text: summary(model, target.name ?? model.database), json: model };
    }),
});

function summary(model: SchemaModel, name: string): string {
  const rows = model.schemas.map((s) => {
    const tables = model.tables.filter((t) => t.schema === s.name);
    return [
      s.name + (s.bookkeeping ? ' (bookkeeping)' : ''),
      tables.filter((t) => t.kind !== 'partition').length,
      tables.filter((t) => t.kind === 'partition').length,
      tables.reduce((n, t) => n + t.columns.length, 0),
      tables.reduce((n, t) => n + t.foreignKeys.filter((f) => !f.inherited).length, 0),
      tables.reduce((n, t) => n + t.indexes.length, 0),
      model.views.filter((v) => v.schema === s.name).length,
      model.enums.filter((e) => e.schema === s.name).length,
    ];
  });
  const notes = model.inaccessibleSchemas.length ? [`\nNo access to: ${model.inaccessibleSchemas.join(', ')}`] : [];
  return [`${name}: PostgreSQL ${model.serverVersion}`, '', table(['schema', 'tables', 'partitions', 'columns', 'fks', 'indexes', 'views', 'enums'], rows), ...notes].join('\n');
}
