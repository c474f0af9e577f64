import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only engine tests: Playwright specs in e2e/ have their own runner (STACK.md).
    include: ['lib/**/*.test.ts'],
    globalSetup: ['lib/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
