import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/sequencer.ts';

/**
 * Files that load no platform client (discord.js, Bolt) and start no
 * process: the engine, parameters, quizzes, pictures drawn in-process, the
 * stores, the core's log lines, the playground's health checks. They share one module graph per
 * worker (`isolate: false`), so canvas, Chart.js, MathJax and the stores are
 * loaded once per worker instead of once per file: about 30 s less CPU.
 * The files that start processes or a browser keep a fresh module graph each.
 */
const SHARED = [
  'test/engine/**/*.test.ts',
  'test/params/explode-params.test.ts',
  'test/quiz/**/*.test.ts',
  'test/render/**/*.test.ts',
  'test/store/**/*.test.ts',
  'test/commands/**/*.test.ts',
  'test/layers/engine.test.ts',
  'test/layers/params.test.ts',
  'test/layers/questions.test.ts',
  'test/layers/command.test.ts',
  'test/perf/**/*.test.ts',
  'test/slack/mrkdwn.test.ts',
  'test/ops/config.test.ts',
  'test/ops/config-scale.test.ts',
  'test/ops/turns.test.ts',
  'test/ops/stray.test.ts',
  'test/limits/pacing.test.ts',
  'test/ops/command-log.test.ts',
  'test/ops/secret-box.test.ts',
  'test/ops/dockerfile.test.ts',
  'test/ops/health.test.ts',
];

/**
 * Files that run the platform adapters (Bolt, discord.js) against their
 * stand-ins in-process: they share the platform clients, the stand-ins and
 * the render stack the same way, in a project of their own (each file starts
 * and closes its own stand-ins; runs with the files shuffled pass).
 */
const PLATFORMS = [
  'test/slack/**/*.test.ts',
  'test/layers/e2e-slack.test.ts',
  // All of Discord's but the shards test, which starts gradbot processes.
  'test/discord/!(shards.e2e).test.ts',
  'test/layers/e2e-discord.test.ts',
  'test/limits/*.e2e.test.ts',
  'test/ops/unlocated-quiz.test.ts',
  'test/params/clip.test.ts',
  'test/web/api.test.ts',
];

export default defineConfig({
  test: {
    // One throwaway PostgreSQL cluster for the run (skipped, said once, where PostgreSQL is not installed; required under CI).
    globalSetup: ['test/pg-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native addons (canvas, better-sqlite3) are safest in forked processes.
    pool: 'forks',
    // Vitest's default is one worker on a 2-core machine; many long files wait on child processes, sockets and quiz
    // timers, so three at once keep both cores busy (fresh-clone runs: 2 workers 149-168 s, 3 workers 130-148 s).
    maxWorkers: 3,
    reporters: ['default', './test/summary-reporter.ts'],
    // The long files first, whatever their project: a fresh clone has no timings for vitest to sort by.
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      { extends: true, test: { name: 'shared', include: SHARED, isolate: false } },
      { extends: true, test: { name: 'platforms', include: PLATFORMS, exclude: SHARED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: [...SHARED, ...PLATFORMS] } },
    ],
  },
});
