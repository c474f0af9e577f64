import { listAudit, verifyAudit, type HeadCheck } from '../../auth/audit';
import { auditProtection } from '../../auth/console-db';
import { consoleSecrets } from '../../config/console-secrets';
import { StrataError } from '../../errors';
import { defineCommand, valueFlag } from '../command';
import { onConsole } from '../console-session';
import { table, when } from '../format';

/** `audit`: the audit trail's integrity check, and its newest entries. */
export const auditCommand = defineCommand({
  name: 'audit',
  summary: "the console's audit trail: verify (exit 1 when tampered with) | list [--limit N]",
  usage: ['strata audit verify [--json]', 'strata audit list [--limit N] [--env NAME] [--json]'],
  description: `verify walks the audit trail's hash chain (HMAC-SHA256 with STRATA_AUDIT_KEY) and exits 1
naming the first entry that was edited, deleted or reordered. list prints the newest
entries (default 200, at most 1000), optionally of one environment.`,
  flags: {
    limit: valueFlag('N', 'list: how many entries, 1 to 1000 (default 200)'),
    env: valueFlag('NAME', 'list: only the entries about this environment'),
  },
  async run(options, positional) {
    const action = positional[0];
    if (action === 'verify') {
      return onConsole(
        async (sql, config) => {
          const result = await verifyAudit(sql, consoleSecrets(config).auditKey, config.auditHeadFile);
          const protection = await auditProtection(sql);
          const notes = [headText(result.head), ...protection.risks.map((r) => `Warning: ${r}; it could remove entries (the head file would still show it).`)].filter(Boolean);
          if (result.ok) return { code: 0, text: [`Audit trail intact: ${result.entries} entries, every hash verified.`, ...notes].join('\n'), json: { ...result, protection } };
          return {
            code: 1,
            text: [`Audit trail BROKEN: entry ${result.firstBroken.id}: ${result.firstBroken.reason}.`, 'Entries were edited, deleted, reordered or cut off outside Strata.', ...notes].join('\n'),
            json: { ...result, protection },
          };
        },
        { needsKey: true },
      );
    }
    if (action === 'list') {
      const limit = parseLimit(options.limit);
      return onConsole(async (sql) => {
        const entries = await listAudit(sql, { limit, environment: options.env });
        const rows = entries.map((e) => [e.id, when(e.at), e.actor, e.role, e.action, e.environment ?? '', e.target ?? '', e.outcome, e.durationMs === null ? '' : `${e.durationMs}ms`, e.detail ?? '']);
        return {
          code: 0,
          text: entries.length ? table(['id', 'at', 'actor', 'role', 'action', 'environment', 'target', 'outcome', 'duration', 'detail'], rows) : 'No audit entries yet.',
          json: entries,
        };
      });
    }
    throw new StrataError('BAD_USAGE', 'audit needs a subcommand: verify, or list [--limit N] [--env NAME]');
  },
});

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new StrataError('BAD_USAGE', `--limit takes a number from 1 to 1000 (got "${value}")`);
  return n;
}

/** What the comparison with the head kept outside the database found, in one line. */
function headText(head: HeadCheck): string | null {
  switch (head.state) {
    case 'matches':
      return `The newest entry (#${head.id}) is the one recorded outside the database in ${head.file}.`;
    case 'behind':
      return `${head.file} records entry #${head.id}; ${head.newer} newer ${head.newer === 1 ? 'entry was' : 'entries were'} appended since (by another console host, or a crash came between an append and the file).`;
    case 'missing':
      return `Warning: ${head.file} records no head for this database yet, so entries cut from the end could not be noticed.`;
    default:
      return null;
  }
}
