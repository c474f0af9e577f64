import fs from 'node:fs';
import path from 'node:path';
import { readProject } from '../changesets/project';
import { loadConfig } from '../config/environments';
import { renderProjectDocs, writeDocs } from '../docs/project-docs';
import { ensureEmbeddedRunning } from '../embedded/ensure-running';
import { toDbml } from '../erd/export-dbml';
import { toMarkdownDictionary } from '../erd/export-markdown';
import { toMermaid } from '../erd/export-mermaid';
import { StrataError } from '../errors';
import { introspectUrl } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { readTarget } from '../migrate/read-status';
import { withShadowDatabase } from '../migrate/shadow-database';
import { engineLogger } from '../observability/logger';
import type { Command } from './commands';
import { withReachableTarget } from './with-target';
import { table } from './format';

/** `introspect`, `erd` and `docs`: the schema-reading commands. */
const introspect: Command = async (options) =>
  withReachableTarget(options, async (target) => {
    const model = await introspectUrl(target.url);
    return { code: 0, text: summary(model, target.name ?? model.database), json: model };
  });

const FORMATS = { mermaid: toMermaid, dbml: toDbml, markdown: (m: SchemaModel) => toMarkdownDictionary(m, { title: `${m.database} — entity dictionary` }) } as const;

const erd: Command = async (options) => {
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
};

/**
 * Writes the entity dictionary, Mermaid ERD and change log. With a target: that database
 * as it is, with its history. Without: a shadow database with every change set applied,
 * so the output depends on the project files alone (the committed demo copy).
 */
const docs: Command = async (options) => {
  if (!options.out) throw new StrataError('BAD_USAGE', 'docs needs --out DIR');
  const config = loadConfig();
  const project = readProject(options.dir ?? config.projectDir);
  const title = path.basename(project.dir);
  let files;
  if (options.env || options.databaseUrl) {
    files = await withReachableTarget(options, async (target) => {
      const [{ history }, model] = await Promise.all([readTarget(target.url, project), introspectUrl(target.url)]);
      return renderProjectDocs(project, model, { title, history, target: target.name ?? model.database });
    });
  } else {
    const embedded = await ensureEmbeddedRunning(config, engineLogger());
    try {
      files = await withShadowDatabase(config.shadowServerUrl, project, engineLogger(), async (url) =>
        renderProjectDocs(project, stableModel(await introspectUrl(url)), { title }),
      );
    } finally {
      await embedded?.stop();
    }
  }
  const written = writeDocs(options.out, files);
  return { code: 0, text: `Wrote ${written.join(', ')}`, json: { files: written } };
};

/** Drops what differs between two replays of the same files (time, database name). */
export function stableModel(model: SchemaModel): SchemaModel {
  return { ...model, database: 'shadow', introspectedAt: '1970-01-01T00:00:00.000Z' };
}

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

export const SCHEMA_COMMANDS: Record<string, Command> = { introspect, erd, docs };
