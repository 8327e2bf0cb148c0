import { availableParallelism } from 'node:os';
import type { Caller } from '../../commands/types.ts';
import { loadConfig } from '../../src/config.ts';
import { simulate, unitGainStart } from '../../src/engine/index.ts';
import { createGradbot, type GradbotCore, type GradbotLog } from '../../src/gradbot.ts';
import type { ReplyImage } from '../../src/reply.ts';
import type { CachedRenderer, RenderCacheStats } from '../../src/render/cache.ts';
import { configuredRenderer } from '../../src/render/configured.ts';
import { breakdownAlt, chartAlt, createChartCanvas, exampleAlt, pngSize, renderBreakdownPng, renderChartPng, renderExamplePng } from '../../src/render/index.ts';
import type { Renderer } from '../../src/render/types.ts';
import { openSqliteStore } from '../../src/store/index.ts';

export type Side = 'gradbot' | 'baseline';

export interface BenchBot {
  side: Side;
  bot: GradbotCore;
  /** Renders done so far (for gradbot: the cache's misses, each one a real render in a worker). */
  renders(): number;
  cache(): RenderCacheStats | null;
  /** Render worker threads (0: the main thread renders). */
  workers: number;
  /** Quizzes still open (each /explode opens one for 10 minutes; the core keeps their timers). */
  openQuizzes(): Promise<number>;
  /** Commands that failed inside the core (logged by it); the bench expects none. */
  errors(): number;
  close(): Promise<void>;
}

export function caller(i: number): Caller {
  return { platform: 'discord', userId: `student-${i}`, userName: `Student ${i}`, classId: 'discord:bench:lecture', isTA: false };
}

function countingLog(): GradbotLog & { count: number } {
  const log = {
    count: 0,
    error(obj: object, msg: string) {
      log.count++;
      const err = (obj as { err?: unknown }).err;
      process.stderr.write(`bench: ${msg}${err instanceof Error ? `: ${err.message}` : ''}\n`);
    },
  };
  return log;
}

/**
 * gradbot wired as startApp wires it (src/app.ts): the configuration from
 * the environment, the render worker pool behind the render cache, the core,
 * and a SQLite file store. Only the platforms are left out: the bench calls
 * the core the way every adapter does (prepare, then execute).
 */
export function productionBot(dbPath: string): BenchBot {
  const loaded = loadConfig({ ...process.env, DATABASE_URL: `sqlite:${dbPath}` });
  if (!loaded.ok) throw new Error(`bench: the environment is not a valid gradbot configuration: ${loaded.problems.join('; ')}`);
  const { config } = loaded;
  const renderer = configuredRenderer(config.render);
  const cached = 'stats' in renderer ? (renderer as CachedRenderer) : null;
  let uncachedRenders = 0;
  const counted: Renderer = cached ?? {
    explode: (spec) => (uncachedRenders++, renderer.explode(spec)),
    example: (ex) => (uncachedRenders++, renderer.example(ex)),
    get accepting() {
      return renderer.accepting;
    },
    close: () => renderer.close(),
  };
  // SQLite, opened synchronously: the bench times the bot, not the database's start.
  const store = openSqliteStore(dbPath);
  const log = countingLog();
  const bot = createGradbot({ services: { renderer: counted, store, now: Date.now }, quizMinutes: config.quizMinutes, log });
  return {
    side: 'gradbot',
    bot,
    renders: () => (cached ? cached.stats().misses : uncachedRenders),
    cache: () => cached?.stats() ?? null,
    // The pool's own default (src/render/pool.ts): one worker per core.
    workers: config.render.workers > 0 ? config.render.workers : Math.max(1, availableParallelism()),
    openQuizzes: async () => (await store.openQuizzes()).length,
    errors: () => log.count,
    async close() {
      await bot.close();
      await counted.close();
      await store.close();
    },
  };
}

function image(name: string, png: Buffer, alt: string): ReplyImage {
  return { name, png, alt, ...pngSize(png) };
}

/**
 * The naive bot a first version would be: the same engine, commands, quiz
 * and store, and the same drawing functions, but every picture drawn on the
 * main thread, synchronously, with a new ChartJSNodeCanvas each time, and
 * nothing cached or bounded.
 */
export function naiveBot(dbPath: string): BenchBot {
  let renders = 0;
  const renderer: Renderer = {
    async explode(spec) {
      renders++;
      const run = simulate(spec);
      const baseline = simulate(unitGainStart(spec));
      return {
        breakdown: image('breakdown.png', renderBreakdownPng(run, baseline), breakdownAlt(run)),
        chart: image('chart.png', renderChartPng(run, baseline, createChartCanvas()), chartAlt(run, baseline)),
      };
    },
    async example(ex) {
      renders++;
      return image('example.png', renderExamplePng(ex), exampleAlt(ex));
    },
    accepting: true,
    async close() {},
  };
  const store = openSqliteStore(dbPath);
  const log = countingLog();
  const bot = createGradbot({ services: { renderer, store, now: Date.now }, log });
  return {
    side: 'baseline',
    bot,
    renders: () => renders,
    cache: () => null,
    workers: 0,
    openQuizzes: async () => (await store.openQuizzes()).length,
    errors: () => log.count,
    async close() {
      await bot.close();
      await store.close();
    },
  };
}
