import { readTarget } from '../../migrate/read-status';
import { renamedTags } from '../../migrate/target-state';
import { defineCommand } from '../command';
import { PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { table, when } from '../format';
import { withTarget } from '../with-target';

export const historyCommand = defineCommand({
  name: 'history',
  summary: 'every apply, rollback and failure recorded on a target',
  usage: ['strata history (--env NAME | --database-url URL) [--dir PATH] [--json]'],
  description: 'Lists strata.change_log on the target, newest first.',
  flags: { ...TARGET_FLAGS, ...PROJECT_FLAGS },
  run: (options) =>
    withTarget(options, async (target, project) => {
      const { history, status } = await readTarget(target.url, project);
      // Rows written before `drizzle-kit up` keep the old tag: name the folder it became.
      const renamedTo = renamedTags(status);
      const newest = [...history].reverse();
      const rows = newest.map((h) => [
        when(h.startedAt),
        renamedTo.has(h.tag) ? `${h.tag} (now ${renamedTo.get(h.tag)})` : h.tag,
        h.operation,
        h.status,
        h.actor,
        // A started row has no outcome yet, so no duration.
        h.status === 'started' ? '—' : `${h.durationMs}ms`,
        h.statements,
        h.rowsAffected,
        [h.errorMessage ?? h.reason, h.notes].filter(Boolean).join('; '),
      ]);
      return {
        code: 0,
        text: newest.length ? table(['started', 'tag', 'operation', 'status', 'actor', 'duration', 'stmts', 'rows', 'note'], rows) : 'No history yet.',
        json: newest,
      };
    }),
});
