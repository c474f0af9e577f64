import { describe, expect, it } from 'vitest';
import { nameTargets, targetEnvironment } from './fleet-targets';

describe('fleet targets', () => {
  it('are named by database, sorted, and qualified by host and port only where names repeat', () => {
    const targets = nameTargets('tenants', ['postgres://a@eu/t2', 'postgres://a@eu/t1', 'postgres://a@us:6432/t1']);
    expect(targets.map((t) => t.name)).toEqual(['eu:5432/t1', 't2', 'us:6432/t1']);
    expect(targets.every((t) => t.fleet === 'tenants')).toBe(true);
  });

  it('become environments named <fleet>/<target> with the fleet\'s protection', () => {
    const [target] = nameTargets('tenants', ['postgres://a:secret@db/t1']);
    expect(targetEnvironment({ name: 'tenants', protection: 'protected', source: { kind: 'urls', urls: [] }, lockRetries: 0 }, target!)).toEqual({
      name: 'tenants/t1',
      url: 'postgres://a:secret@db/t1',
      protection: 'protected',
      lockRetries: 0,
    });
  });
});
