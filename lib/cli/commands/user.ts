import { generatePassword } from '../../auth/passwords';
import { ROLES, type Role } from '../../auth/types';
import { assertRole, createUser, disableUser, getUser, listUsers, setRole, USERNAME_PATTERN } from '../../auth/users';
import { StrataError } from '../../errors';
import { cliPrincipal } from '../cli-audit';
import { defineCommand, switchFlag, valueFlag, type CommandOutput, type OptionValues } from '../command';
import { auditedChange, onConsole } from '../console-session';
import { ACTOR_FLAGS } from '../flags';
import { table, when } from '../format';

/**
 * `user`: console users from the command line (the first admin, a forgotten role). Every
 * change is audited with the CLI actor and role `cli`. Passwords are never printed, except
 * a generated one, once.
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

const USER_USAGE = {
  add: 'strata user add NAME --role viewer|developer|operator|admin [--display-name "…"] [--password-stdin]',
  disable: 'strata user disable NAME',
  setRole: 'strata user set-role NAME ROLE',
};

const USER_FLAGS = {
  role: valueFlag('ROLE', `add (and set-role): ${ROLES.join(', ')}`),
  'display-name': valueFlag('"…"', "add: the person's name as the console shows it"),
  'password-stdin': switchFlag('add: read the password (at least 12 characters) from a pipe instead of generating one'),
  ...ACTOR_FLAGS,
};

export const userCommand = defineCommand({
  name: 'user',
  summary: 'console users: add NAME --role R | list | disable NAME | set-role NAME R',
  usage: [USER_USAGE.add, 'strata user list [--json]', USER_USAGE.disable, USER_USAGE.setRole],
  description: `Manages the console's users (in the console database). \`user add\` generates a password and
prints it once, unless --password-stdin reads one (at least 12 characters) from a pipe:
  printf %s "$PASSWORD" | npx strata user add alice --role operator --password-stdin
Roles, each allowed what the ones before it are: viewer (read), developer (dry runs; seed
and reset on open environments), operator (apply and roll back on open and guarded ones;
request and execute changes on protected ones), admin (approve requests, manage users).
The last enabled admin cannot be disabled or demoted. Every change is audited with
--actor (default STRATA_ACTOR, else cli:<os user>) and role cli.`,
  flags: USER_FLAGS,
  async run(options, positional) {
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
  },
});

function needName(name: string | undefined, usage: string): string {
  if (!name) throw new StrataError('BAD_USAGE', `Which user? ${usage}`);
  return name;
}

function needRole(role: string | undefined, usage: string): Role {
  if (!role) throw new StrataError('BAD_USAGE', `Which role (${ROLES.join(', ')})? ${usage}`);
  assertRole(role);
  return role;
}

function userRows(users: Awaited<ReturnType<typeof listUsers>>): string {
  if (!users.length) return 'No users yet.';
  return table(
    ['user', 'name', 'role', 'status', 'sign-in', 'created'],
    users.map((u) => [u.username, u.displayName ?? '', u.role, u.disabled ? 'disabled' : 'enabled', u.oidcSubject ? 'single sign-on' : 'password', when(u.createdAt)]),
  );
}

async function addUser(options: OptionValues<typeof USER_FLAGS>, rest: string[]): Promise<CommandOutput> {
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
