import { listAudit, verifyAudit, type HeadCheck } from '../auth/audit';
import { auditProtection, closeConsole, withConsole } from '../auth/console-db';
import { generatePassword } from '../auth/passwords';
import { ROLES, type Role } from '../auth/types';
import { assertRole, createUser, disableUser, getUser, listUsers, setRole, USERNAME_PATTERN } from '../auth/users';
import { consoleSecrets } from '../config/console-secrets';
import { loadConfig, type StrataConfig } from '../config/environments';
import type { Sql } from '../db/client';
import { ensureEmbeddedRunning } from '../embedded/ensure-running';
import { StrataError } from '../errors';
import { audited } from '../console/audited';
import { cliPrincipal } from './cli-audit';
import { engineLogger } from '../observability/logger';
import type { CliOptions, Command, CommandOutput } from './commands';
import { table, when } from './format';

/**
 * `user` and `audit`: console users from the command line (the first admin, a forgotten
 * role) and the audit trail's integrity check. Every user change is audited with the CLI
 * actor and role `cli`. Passwords are never printed, except a generated one, once.
 */

/** Where `--password-stdin` reads from (replaceable in tests). */
export const authCliIo = {
  async readStdin(): Promise<string> {
    if (process.stdin.isTTY) throw new StrataError('BAD_USAGE', '--password-stdin reads the password from a pipe: printf %s "$PASSWORD" | strata user add …');
    process.stdin.setEncoding('utf8');
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    return text;
  },
};

/** Runs `work` on the console database, starting the embedded server when needed and closing everything after. */
async function onConsole<T>(work: (sql: Sql, config: StrataConfig) => Promise<T>, options: { needsKey?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  // Fails before anything changes when the audit key is missing (external mode).
  if (options.needsKey) consoleSecrets(config);
  const embedded = await ensureEmbeddedRunning(config, engineLogger());
  try {
    return await withConsole(config, (sql) => work(sql, config));
  } finally {
    await closeConsole(config);
    await embedded?.stop();
  }
}

/** Runs a user change between its audit intent and outcome, as every change is recorded. */
function auditedChange<T>(config: StrataConfig, options: CliOptions, meta: { action: string; target: string }, work: () => Promise<T>, detail: (result: T) => string | null): Promise<T> {
  return audited(config, cliPrincipal(options), meta, work, (result) => ({ outcome: 'ok', detail: detail(result) }));
}

function needName(name: string | undefined, usage: string): string {
  if (!name) throw new StrataError('BAD_USAGE', `Which user? ${usage}`);
  return name;
}

function needRole(role: string | undefined, usage: string): Role {
  if (!role) throw new StrataError('BAD_USAGE', `Which role (${ROLES.join(', ')})? ${usage}`);
  assertRole(role);
  return role;
}

const USER_USAGE = {
  add: 'strata user add NAME --role viewer|developer|operator|admin [--display-name "…"] [--password-stdin]',
  disable: 'strata user disable NAME',
  setRole: 'strata user set-role NAME ROLE',
};

function userRows(users: Awaited<ReturnType<typeof listUsers>>): string {
  if (!users.length) return 'No users yet.';
  return table(
    ['user', 'name', 'role', 'status', 'sign-in', 'created'],
    users.map((u) => [u.username, u.displayName ?? '', u.role, u.disabled ? 'disabled' : 'enabled', u.oidcSubject ? 'single sign-on' : 'password', when(u.createdAt)]),
  );
}

const user: Command = async (options, positional) => {
  const [action, ...rest] = positional;
  switch (action) {
    case 'add':
      return addUser(options, rest);
    case 'list':
      return onConsole(async (sql) => {
        const users = await listUsers(sql);
        return { code: 0, text: userRows(users), json: users };
      });
    case 'disable': {
      const name = needName(rest[0], USER_USAGE.disable);
      return onConsole(
        async (sql, config) => {
          const before = await getUser(sql, name);
          const changed = await auditedChange(config, options, { action: 'user-disable', target: name }, () => disableUser(sql, name, cliPrincipal(options).username), () =>
            before?.disabled ? 'already disabled' : null,
          );
          return { code: 0, text: `${name} is disabled: it can no longer sign in.`, json: changed };
        },
        { needsKey: true },
      );
    }
    case 'set-role': {
      const name = needName(rest[0], USER_USAGE.setRole);
      const role = needRole(rest[1] ?? options.role, USER_USAGE.setRole);
      return onConsole(
        async (sql, config) => {
          const before = await getUser(sql, name);
          const changed = await auditedChange(config, options, { action: 'role-change', target: name }, () => setRole(sql, name, role, cliPrincipal(options).username), (u) =>
            `${before?.role ?? '?'} → ${u.role}`,
          );
          return { code: 0, text: `${name} is now ${changed.role}.`, json: changed };
        },
        { needsKey: true },
      );
    }
    default:
      throw new StrataError('BAD_USAGE', `user needs a subcommand: add, list, disable or set-role (e.g. ${USER_USAGE.add})`);
  }
};

async function addUser(options: CliOptions, rest: string[]): Promise<CommandOutput> {
  const name = needName(rest[0], USER_USAGE.add);
  if (!USERNAME_PATTERN.test(name)) {
    throw new StrataError('BAD_USAGE', `User names are 2–40 characters: a lower-case letter, then lower-case letters, digits, . _ or - (got "${name.slice(0, 60)}")`);
  }
  const role = needRole(options.role, USER_USAGE.add);
  let password: string;
  let generated = false;
  if (options.passwordStdin) {
    // One trailing newline (echo, a here-string) is not part of the password.
    password = (await authCliIo.readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new StrataError('BAD_USAGE', '--password-stdin read nothing');
  } else {
    password = generatePassword();
    generated = true;
  }
  return onConsole(
    async (sql, config) => {
      const created = await auditedChange(
        config,
        options,
        { action: 'user-add', target: name },
        () => createUser(sql, { username: name, role, password, displayName: options.displayName ?? null, createdBy: cliPrincipal(options).username }),
        (u) => `role ${u.role}`,
      );
      const lines = [`Created user ${created.username} (${created.role}).`];
      if (generated) lines.push(`Password for ${created.username} (shown once; Strata keeps only its hash): ${password}`);
      return { code: 0, text: lines.join('\n'), json: { user: created, ...(generated ? { password } : {}) } };
    },
    { needsKey: true },
  );
}

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

const audit: Command = async (options, positional) => {
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
};

export const AUTH_COMMANDS: Record<string, Command> = { user, audit };
