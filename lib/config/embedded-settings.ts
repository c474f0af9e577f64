import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where and how the embedded PostgreSQL runs. Only loopback, never a public address. */
export interface EmbeddedSettings {
  home: string;
  dataDir: string;
  port: number;
  user: string;
  credentialsFile: string;
}

/** Environment variables as plain data (process.env or a test's own object). */
export type EnvVars = Record<string, string | undefined>;

export function embeddedSettings(env: EnvVars, root: string): EmbeddedSettings {
  const home = path.resolve(root, env.STRATA_HOME ?? '.strata');
  return {
    home,
    dataDir: path.join(home, 'pgdata'),
    port: Number(env.STRATA_EMBEDDED_PORT ?? 54329),
    user: 'strata',
    credentialsFile: path.join(home, 'credentials.json'),
  };
}

/**
 * The embedded superuser's password: generated once per clone and kept in .strata/
 * (mode 0600), so that no password is committed and none is the same on two machines.
 */
export function embeddedPassword(settings: EmbeddedSettings): string {
  try {
    const saved = JSON.parse(fs.readFileSync(settings.credentialsFile, 'utf8')) as { password?: string };
    if (saved.password) return saved.password;
  } catch {
    // First run: fall through and create it.
  }
  fs.mkdirSync(settings.home, { recursive: true, mode: 0o755 });
  const password = randomBytes(18).toString('base64url');
  fs.writeFileSync(settings.credentialsFile, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}

export function embeddedUrl(settings: EmbeddedSettings, database: string): string {
  const password = encodeURIComponent(embeddedPassword(settings));
  return `postgres://${settings.user}:${password}@localhost:${settings.port}/${database}`;
}
