import fs from 'node:fs';
import path from 'node:path';
import type { Project } from '../changesets/project';
import { toMarkdownDictionary } from '../erd/export-markdown';
import { toMermaid } from '../erd/export-mermaid';
import type { SchemaModel } from '../introspect/schema-model';
import type { HistoryEntry } from '../migrate/history-store';
import { renderChangelog } from './changelog';

/** The documentation set `strata docs` writes. */
export const DOC_FILES = ['entity-dictionary.md', 'erd.md', 'changelog.md'] as const;

/**
 * Renders the entity dictionary, the Mermaid ERD and the change log. With no history
 * (the committed copy) nothing depends on time or live data, so CI can regenerate it and
 * fail when the committed copy is stale.
 */
export async function renderProjectDocs(
  project: Project,
  model: SchemaModel,
  options: { title: string; history?: HistoryEntry[]; target?: string },
): Promise<Record<(typeof DOC_FILES)[number], string>> {
  const live = options.history !== undefined;
  return {
    'entity-dictionary.md': toMarkdownDictionary(model, { title: `${options.title} — entity dictionary`, liveFigures: live }),
    'erd.md': [`# ${options.title} — ERD`, '', '```mermaid', toMermaid(model).trimEnd(), '```', ''].join('\n'),
    'changelog.md': await renderChangelog(project, { history: options.history, target: options.target }),
  };
}

export function writeDocs(dir: string, files: Record<string, string>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  });
}
