import type { Side } from './bots.ts';

export type Mode = 'full' | 'quick';

export interface Sizes {
  /** Renders before anything is measured: workers started, fonts, MathJax and Chart.js loaded. */
  warmup: number;
  ack: number;
  reply: number;
  /** Commands per burst; the class is 60. */
  burst: number;
  /** RSS is read once the bot has done this many renders (in order). */
  rssAt: number[];
  /** Replies kept in flight while rendering towards an RSS mark. */
  concurrency: number;
}

/** The class size the bursts stand for. */
export const CLASS = 60;

/**
 * How much each side does. The naive baseline renders on one thread with no
 * cache and leaks ~8 MB per chart (a fresh Chart.js each time), so it cannot
 * do 5,000 renders; its RSS is read after fewer, and in --quick mode its
 * bursts are a third of the class (one render after another: the time scales
 * linearly, and the report extrapolates and says so).
 */
export function modeSizes(mode: Mode, side: Side): Sizes {
  if (side === 'gradbot') {
    return mode === 'full'
      ? { warmup: 4, ack: 5000, reply: 30, burst: CLASS, rssAt: [100, 5000], concurrency: 8 }
      : { warmup: 2, ack: 1000, reply: 8, burst: CLASS, rssAt: [100, 400], concurrency: 6 };
  }
  return mode === 'full'
    ? { warmup: 2, ack: 5000, reply: 15, burst: CLASS, rssAt: [100, 300], concurrency: 1 }
    : { warmup: 1, ack: 1000, reply: 4, burst: 20, rssAt: [], concurrency: 1 };
}
