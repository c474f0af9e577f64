import { describe, expect, it } from 'vitest';
import { seedPreviewQuerySchema, seedRequestSchema } from './api-schemas';

/** The one-table seed's body and query, as every door (route, server action, preview) validates them. */
describe('seedRequestSchema with a table', () => {
  const ok = (body: unknown) => seedRequestSchema.safeParse(body).success;

  it('takes schema.table, and a reset of one table only with the cascade it agreed to', () => {
    expect(ok({ reset: false, confirm: 'local' })).toBe(true);
    expect(ok({ reset: false, confirm: 'local', table: 'platform.users' })).toBe(true);
    expect(ok({ reset: false, confirm: 'local', table: 'Risk_2.t$1' })).toBe(true);
    expect(ok({ reset: true, confirm: 'local', table: 'platform.users', alsoEmpties: ['platform.api_keys'] })).toBe(true);
    expect(ok({ reset: true, confirm: 'local', table: 'risk.reset_schedule', alsoEmpties: [] })).toBe(true);
    expect(ok({ reset: true, confirm: 'local', table: 'platform.users' })).toBe(false);
    expect(ok({ reset: false, confirm: 'local', table: 'platform.users', alsoEmpties: [] })).toBe(false);
    expect(ok({ reset: true, confirm: 'local', alsoEmpties: [] })).toBe(false);
    expect(ok({ reset: false, confirm: 'local', table: 'platform.users', extra: 1 })).toBe(false);
  });

  it('refuses anything that is not two identifiers joined by a dot', () => {
    for (const table of ['users', 'platform.users; drop table x', 'platform."users"', "platform.users'", 'a.b.c', ' platform.users', 'platform.users ', '1a.b', 'a.', '.b', 'a..b', 'платформа.users', 'a.b\n', `a.${'x'.repeat(64)}`, 42, null]) {
      expect(ok({ reset: false, confirm: 'local', table }), JSON.stringify(table)).toBe(false);
      expect(ok({ reset: true, confirm: 'local', table: 'platform.users', alsoEmpties: [table] }), JSON.stringify(table)).toBe(false);
      expect(seedPreviewQuerySchema.safeParse({ table }).success, JSON.stringify(table)).toBe(false);
    }
    expect(seedPreviewQuerySchema.safeParse({ table: `a.${'x'.repeat(63)}` }).success).toBe(true);
    expect(seedPreviewQuerySchema.safeParse({ table: 'a.b', more: 'x' }).success).toBe(false);
  });
});
