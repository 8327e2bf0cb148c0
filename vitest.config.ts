import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One throwaway PostgreSQL cluster for the run (skipped, said once, where PostgreSQL is not installed; required under CI).
    globalSetup: ['test/pg-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native addons (canvas, better-sqlite3) are safest in forked processes.
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
