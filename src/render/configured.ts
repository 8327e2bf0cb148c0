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
}

/** The renderer a running bot uses (and the bench measures): the worker pool behind the render cache. */
export function configuredRenderer(settings: RenderSettings, opts: { prewarm?: boolean } = {}): Renderer {
  const pool = createRenderPool({
    ...(settings.workers > 0 ? { size: settings.workers } : {}),
    maxQueue: settings.queue,
    prewarm: opts.prewarm ?? false,
  });
  return withRenderCache(pool, settings.cacheMb);
}
