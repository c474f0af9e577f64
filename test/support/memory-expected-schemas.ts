import type { ExpectedSchemaStore, StoredExpectedSchema } from '../../lib/migrate/expected-schema';

/** An in-memory expected-schema store that counts its calls; `beforePut` lets a test hold a computation at its end. */
export function memoryExpectedSchemas(hooks: { beforePut?: () => Promise<unknown> } = {}) {
  const entries = new Map<string, StoredExpectedSchema>();
  const calls = { get: 0, put: 0 };
  const store: ExpectedSchemaStore = {
    async get(key) {
      calls.get += 1;
      return entries.get(key) ?? null;
    },
    async put(entry) {
      calls.put += 1;
      await hooks.beforePut?.();
      entries.set(entry.key, entry);
    },
  };
  return { store, entries, calls };
}
