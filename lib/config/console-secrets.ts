import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { StrataError } from '../errors';
import { withLockFile } from './lock-file';
import { embeddedPassword, type EmbeddedSettings, type EnvVars } from './embedded-settings';
import type { StrataConfig } from './types';

/**
 * The console's two secrets: AUTH_SECRET signs next-auth's session cookies, and the audit
 * key (STRATA_AUDIT_KEY) keys the HMAC chain of console.audit_log. Neither is ever stored
 * in the console database, logged or shown.
 *
 * Environment variables win. In embedded mode the missing ones are generated once per
 * clone and kept next to the superuser's password in .strata/credentials.json (mode 0600),
 * so a fresh clone needs no setup and two clones never share a key. In external mode they
 * must be given: a key that silently changed between two servers would break the chain.
 */
export interface ConsoleSecrets {
  authSecret: string;
  auditKey: string;
}

const VARIABLES = { authSecret: 'AUTH_SECRET', auditKey: 'STRATA_AUDIT_KEY' } as const;
type SecretName = keyof typeof VARIABLES;

export function consoleSecrets(config: StrataConfig, env: EnvVars = process.env): ConsoleSecrets {
  const given = {
    authSecret: nonEmpty(env.AUTH_SECRET),
    auditKey: nonEmpty(env.STRATA_AUDIT_KEY),
  };
  if (given.authSecret && given.auditKey) return { authSecret: given.authSecret, auditKey: given.auditKey };
  const missing = (Object.keys(VARIABLES) as SecretName[]).filter((name) => !given[name]);
  if (config.mode !== 'embedded') {
    const names = missing.map((name) => VARIABLES[name]).join(' and ');
    throw new StrataError(
      'BAD_USAGE',
      `The console needs ${names} (external mode): set ${missing.length > 1 ? 'each' : 'it'} to a long random value, e.g. \`openssl rand -base64 32\`, the same on every console server`,
      { variables: missing.map((name) => VARIABLES[name]) },
    );
  }
  const stored = storedSecrets(config.embedded, missing);
  return { authSecret: given.authSecret ?? stored.authSecret!, auditKey: given.auditKey ?? stored.auditKey! };
}

/**
 * The password of the embedded demo's console role (\`strata_console\`), which may append to
 * the audit trail but never change it: generated once per clone into credentials.json.
 */
export function embeddedConsolePassword(settings: EmbeddedSettings): string {
  return storedSecrets(settings, ['consolePassword']).consolePassword!;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() ? value : undefined;
}

type Credentials = Record<string, unknown> & { password?: string; authSecret?: string; auditKey?: string; consolePassword?: string };
/** Everything generated into credentials.json besides the superuser's `password`. */
type StoredName = SecretName | 'consolePassword';

function readCredentials(file: string): Credentials {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Credentials) : {};
  } catch {
    return {};
  }
}

function hasAll(saved: Credentials, names: StoredName[]): boolean {
  return names.every((name) => typeof saved[name] === 'string' && (saved[name] as string).length > 0);
}

/**
 * The embedded secrets from credentials.json, generating the missing ones under a lock
 * file so that two processes starting at once (the console and a CLI) agree on one key.
 */
function storedSecrets(settings: EmbeddedSettings, names: StoredName[]): Partial<Record<StoredName, string>> {
  const file = settings.credentialsFile;
  const first = readCredentials(file);
  if (hasAll(first, names)) return first as Partial<Record<StoredName, string>>;
  // Creates the file with its `password` first, so that embeddedPassword never rewrites it later.
  embeddedPassword(settings);
  return withLockFile(`${file}.lock`, () => {
    const saved = readCredentials(file);
    if (hasAll(saved, names)) return saved as Partial<Record<StoredName, string>>;
    const next: Credentials = { ...saved };
    for (const name of names) if (!hasAll(next, [name])) next[name] = randomBytes(32).toString('base64url');
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(next), { mode: 0o600 });
    fs.chmodSync(temporary, 0o600);
    fs.renameSync(temporary, file);
    return next as Partial<Record<StoredName, string>>;
  });
}
