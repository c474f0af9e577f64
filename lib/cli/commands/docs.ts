import path from 'node:path';
import { readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { renderProjectDocs, writeDocs } from '../../docs/project-docs';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { StrataError } from '../../errors';
import { introspectUrl } from '../../introspect/introspect';
import type { SchemaModel } from '../../introspect/schema-model';
import { readTarget } from '../../migrate/read-status';
import { renamedTags } from '../../migrate/target-state';
import { withShadowDatabase } from '../../migrate/shadow-database';
import { engineLogger } from '../../observability/logger';
import { defineCommand, valueFlag } from '../command';
import { PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { withReachableTarget } from '../with-target';

/**
 * Writes the entity dictionary, Mermaid ERD and change log. With a target: that database
 * as it is, with its history. Without: a shadow database with every change set applied,
 * so the output depends on the project files alone (the committed demo copy).
 */
export const docsCommand = defineCommand({
  name: 'docs',
  summary: 'write entity dictionary, Mermaid ERD and change log      --out DIR',
  usage: ['strata docs --out DIR [--dir PATH] [--env NAME | --database-url URL]'],
  description: `Writes entity-dictionary.md, erd.md (Mermaid) and changelog.md for the project.
Without a target, the schema comes from a shadow database with every change set applied,
so the output depends on the files alone and can be committed and checked in CI. With a
target, it documents that database as it is, with its history and live figures.`,
  flags: {
    out: valueFlag('DIR', 'the folder to write into (required)'),
    ...PROJECT_FLAGS,
    ...TARGET_FLAGS,
  },
  async run(options) {
    if (!options.out) throw new StrataError('BAD_USAGE', 'docs needs --out DIR');
    const config = loadConfig();
    const project = readProject(options.dir ?? config.projectDir);
    const title = path.basename(project.dir);
    let files;
    if (options.env || options.databaseUrl) {
      files = await withReachableTarget(options, async (target) => {
        const [{ history, status }, model] = await Promise.all([readTarget(target.url, project), introspectUrl(target.url)]);
        // Rows written before `drizzle-kit up` carry the old tag: the change log reads them under the folder's.
        const renamed = renamedTags(status);
        const current = history.map((h) => (renamed.has(h.tag) ? { ...h, tag: renamed.get(h.tag)! } : h));
        return renderProjectDocs(project, model, { title, history: current, target: target.name ?? model.database });
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
  },
});

/** Drops what differs between two replays of the same files (time, database name). */
export function stableModel(model: SchemaModel): SchemaModel {
  return { ...model, database: 'shadow', introspectedAt: '1970-01-01T00:00:00.000Z' };
}
