import { withRenderCache } from './cache.ts';
import { createRenderPool } from './pool.ts';
import type { Renderer } from './types.ts';

/** The GRADBOT_RENDER_* settings, as the configuration reads them. */
export interface RenderSettings {
  /** Worker threads; 0 means one per core. */
  workers: number;
  /** Requests that may wait for a worker before "busy, try again". */
  queue: number;
  /** Megabytes of PNGs cached; 0 turns the cache off. */
  cacheMb: number;
  /**
   * Start the workers at once and have each draw a picture of every kind, so
   * a class's first burst after a restart does not wait about a second more;
   * off, a worker starts with the first picture (an instance that only serves
   * quizzes then never holds a drawing thread's memory).
   */
  prewarm: boolean;
}

/** The renderer a running bot uses (and the bench measures): the worker pool behind the render cache. */
export function configuredRenderer(settings: RenderSettings): Renderer {
  const pool = createRenderPool({
    ...(settings.workers > 0 ? { size: settings.workers } : {}),
    maxQueue: settings.queue,
    prewarm: settings.prewarm,
  });
  return withRenderCache(pool, settings.cacheMb);
}
