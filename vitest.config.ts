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
    // Vitest's default is one worker on a 2-core machine; most of the long files wait on child processes,
    // sockets and quiz timers rather than the CPU, so three at once roughly halves the wall time.
    maxWorkers: 3,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
