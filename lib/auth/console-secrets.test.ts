import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleSecrets } from '../config/console-secrets';
import { embeddedPassword } from '../config/embedded-settings';
import { loadConfig } from '../config/environments';

const roots: string[] = [];
function embeddedConfig() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-secrets-'));
  roots.push(root);
  return loadConfig({ STRATA_ROOT: root });
}
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

const external = loadConfig({
  STRATA_ROOT: os.tmpdir(),
  STRATA_ENVIRONMENTS: 'prod',
  STRATA_ENV_PROD_URL: 'postgres://u:p@db.example/prod',
  STRATA_CONSOLE_DATABASE_URL: 'postgres://u:p@db.example/console',
});

describe('consoleSecrets', () => {
  it('takes AUTH_SECRET and STRATA_AUDIT_KEY from the environment first', () => {
    expect(consoleSecrets(external, { AUTH_SECRET: 'auth-secret-value', STRATA_AUDIT_KEY: 'audit-key-value' })).toEqual({ authSecret: 'auth-secret-value', auditKey: 'audit-key-value' });
    const config = embeddedConfig();
    expect(consoleSecrets(config, { AUTH_SECRET: 'a', STRATA_AUDIT_KEY: 'b' })).toEqual({ authSecret: 'a', auditKey: 'b' });
    // Nothing generated or stored when both are given (the console role's password is the configuration's own).
    expect(Object.keys(JSON.parse(fs.readFileSync(config.embedded.credentialsFile, 'utf8')))).toEqual(['password', 'consolePassword']);
  });

  it('external mode: refuses without them, naming the missing variables', () => {
    expect(() => consoleSecrets(external, {})).toThrow(expect.objectContaining({ code: 'BAD_USAGE', message: expect.stringMatching(/AUTH_SECRET and STRATA_AUDIT_KEY/) }));
    expect(() => consoleSecrets(external, { AUTH_SECRET: 'x' })).toThrow(expect.objectContaining({ code: 'BAD_USAGE', message: expect.not.stringMatching(/AUTH_SECRET/) }));
    expect(() => consoleSecrets(external, { STRATA_AUDIT_KEY: 'x', AUTH_SECRET: ' ' })).toThrow(/AUTH_SECRET/);
  });

  it('embedded mode: generates them once, next to the password, in a 0600 file', () => {
    const config = embeddedConfig();
    const password = embeddedPassword(config.embedded);
    const first = consoleSecrets(config, {});
    expect(first.authSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(first.auditKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(first.authSecret).not.toBe(first.auditKey);
    expect(consoleSecrets(config, {})).toEqual(first);
    const saved = JSON.parse(fs.readFileSync(config.embedded.credentialsFile, 'utf8'));
    expect(saved).toEqual({ password, consolePassword: saved.consolePassword, authSecret: first.authSecret, auditKey: first.auditKey });
    expect(saved.consolePassword).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(fs.statSync(config.embedded.credentialsFile).mode & 0o777).toBe(0o600);
    expect(embeddedPassword(config.embedded)).toBe(password);
    // One from the environment, the other stored.
    expect(consoleSecrets(config, { STRATA_AUDIT_KEY: 'from-env' })).toEqual({ authSecret: first.authSecret, auditKey: 'from-env' });
    expect(fs.readdirSync(config.embedded.home).sort()).toEqual(['credentials.json']);
  });

  it('embedded mode on a fresh clone: the password is created too and kept', () => {
    const config = embeddedConfig();
    fs.rmSync(config.embedded.credentialsFile);
    const secrets = consoleSecrets(config, {});
    const password = embeddedPassword(config.embedded);
    expect(JSON.parse(fs.readFileSync(config.embedded.credentialsFile, 'utf8'))).toEqual({ password, ...secrets });
  });
});
