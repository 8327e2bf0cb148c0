import type { PlatformDeps, PlatformHandle } from '../types.ts';
import { loadAssets } from './assets.ts';
import { BlobCache } from './blobs.ts';
import { ChannelHub, type ChannelLimits } from './channels.ts';
import { playgroundRoutes } from './routes.ts';

export type { WebMessage, WebUser } from './messages.ts';
export { CLASS_PREFIX } from './routes.ts';
export { CONTENT_SECURITY_POLICY } from './assets.ts';

export interface PlaygroundOptions {
  limits?: Partial<ChannelLimits>;
  /** Bytes of pictures and exports kept in memory for the page (least recently used go first). */
  blobBytes?: number;
  /** How often idle event streams get a keep-alive comment. */
  pingMs?: number;
  now?: () => number;
}

const DEFAULT_LIMITS: ChannelLimits = { messages: 200, channels: 16, subscribers: 200 };

/**
 * The local playground: a class channel in the browser, served from the
 * shared HTTP app at / (page) and /api/* (JSON and an event stream). It only
 * translates between the page and the core; commands, quizzes and scores are
 * the same ones Discord and Slack use.
 */
export function startPlayground(deps: PlatformDeps, options: PlaygroundOptions = {}): PlatformHandle {
  let running = true;
  const hub = new ChannelHub({ ...DEFAULT_LIMITS, ...options.limits }, options.now ?? Date.now);
  const blobs = new BlobCache(options.blobBytes ?? 64 * 1024 * 1024, 1000);
  const { route, onQuizClosed } = playgroundRoutes({ bot: deps.bot, log: deps.log, hub, blobs, assets: loadAssets(), running: () => running });
  deps.http.addRoute(route);
  deps.bot.onQuizClosed(onQuizClosed);
  const ping = setInterval(() => hub.ping(), options.pingMs ?? 20_000);
  ping.unref();
  deps.log.info('playground: the class channel is served at / (API under /api/)');

  return {
    name: 'web',
    ready: () => running,
    stop: async () => {
      running = false;
      clearInterval(ping);
      hub.closeAll();
    },
  };
}
