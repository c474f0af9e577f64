import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The same `@/` alias as tsconfig.json, for component tests that import lib/ the way the app does.
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    // Engine and pure component tests only: Playwright specs in e2e/ have their own runner.
    include: ['lib/**/*.test.ts', 'components/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at a time on two cores: most of a file's time is spent waiting on PostgreSQL
    // (its own processes), so a third worker fills the gaps (2026-12-07: 341 s with three on an
    // idle machine; 519 s with two, though beside a helper's focused tests). Tests that read server-wide views filter by their own database.
    maxWorkers: 3,
  },
});
