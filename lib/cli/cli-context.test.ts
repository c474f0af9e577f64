import { describe, expect, it } from 'vitest';
import { backupSettingsFor } from '../backup/settings';
import { cliContext } from './cli-context';
import type { Target } from './targets';

const target = (lockRetries?: number): Target => {
  const bare = { name: 'staging', url: 'postgres://u:p@h/db', protection: 'guarded' as const };
  return { ...bare, embedded: false, backup: backupSettingsFor(bare, null), ...(lockRetries === undefined ? {} : { lockRetries }) };
};

describe('cliContext: --lock-retries', () => {
  it('overrides the environment, which overrides the default (left unset for the runner)', () => {
    expect(cliContext({ lockRetries: '0' }, target(7)).lockRetries).toBe(0);
    expect(cliContext({ lockRetries: '12' }, target()).lockRetries).toBe(12);
    expect(cliContext({}, target(7)).lockRetries).toBe(7);
    expect(cliContext({}, target()).lockRetries).toBeUndefined();
  });

  it('refuses anything but a whole number, naming the flag', () => {
    for (const bad of ['-1', 'five', '1.5', '']) {
      expect(() => cliContext({ lockRetries: bad }, target())).toThrow(/--lock-retries takes a whole number of retries, 0 or more/);
    }
  });
});
