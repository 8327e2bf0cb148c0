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
    // Each worker runs its files one after another in one process, loading discord.js, Bolt, canvas, Chart.js
    // and MathJax once instead of once per file (npm test: 308 s of CPU and 190 s of wall time isolated, 198 s
    // and 122 s so). No test mocks modules or changes process.env, and each builds its own store, renderer and
    // servers, so nothing carries from one file to the next.
    isolate: false,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
