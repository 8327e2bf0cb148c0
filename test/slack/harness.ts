import { createGradbot, type GradbotCore } from '../../src/gradbot.ts';
import { createHttpApp, type HttpApp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { startSlack, type SlackOptions } from '../../src/platforms/slack/index.ts';
import type { PlatformHandle } from '../../src/platforms/types.ts';
import type { Renderer } from '../../src/render/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Gradbot } from '../../src/bot.ts';
import { createRenderPool } from '../../src/render/pool.ts';
import { SlackStandIn, type StandInOptions } from './standin.ts';

/** Slack's pace scaled up twenty times, so tests that send many commands stay fast. */
export const TEST_POST_RULE = { ratePerSec: 20, burst: 3 };

export const BOT_TOKEN = 'xoxb-1-test-bot-token';
export const APP_TOKEN = 'xapp-1-A0001-test-app-token';
export const SIGNING_SECRET = 'test-signing-secret-8f14e45fceea167a';
export const TEAM = 'T0CLASS';
export const CHANNEL = 'C0CLASS';
export const TA_ID = 'U0TA';
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface SlackRig {
  standin: SlackStandIn;
  bot: GradbotCore;
  store: Store;
  handle: PlatformHandle;
  http: HttpApp;
  /** http://127.0.0.1:port/slack/events (HTTP mode). */
  eventsUrl: string;
  close(): Promise<void>;
}

export interface RigOptions {
  socketMode?: boolean;
  /** Wraps the core, for a test that needs it to misbehave. */
  wrap?: (bot: GradbotCore) => Gradbot;
  slack?: SlackOptions;
  renderer?: Renderer;
  /** Seconds between two accepted commands of one student (0, none, unless a test asks). */
  cooldownSeconds?: number;
  /** Stand-in options (rate limits, share delay). */
  standin?: Partial<StandInOptions>;
  /** Render workers (default 1). */
  renderWorkers?: number;
}

/**
 * The real stack on 127.0.0.1: createGradbot with the commands, the render
 * worker pool and an in-memory SQLite store, the Slack adapter (Bolt) on the shared HTTP server,
 * and the stand-in for Slack's Web API as SLACK_API_URL.
 */
export async function startRig(opts: RigOptions = {}): Promise<SlackRig> {
  const standin = await new SlackStandIn({ botToken: BOT_TOKEN, appToken: APP_TOKEN, teamId: TEAM, ...opts.standin }).start();
  const store = await openStore('sqlite::memory:');
  // The real worker pool: the PNG bytes Slack receives are the ones students would see.
  const renderer = opts.renderer ?? createRenderPool({ size: opts.renderWorkers ?? 1 });
  const bot = createGradbot({ services: { renderer, store, now: Date.now }, quizMinutes: 10, cooldownSeconds: opts.cooldownSeconds ?? 0, log: { error: () => undefined } });
  const http = createHttpApp();
  const cfg = { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: opts.socketMode ? APP_TOKEN : null, apiUrl: standin.apiUrl, taUserIds: [TA_ID] };
  // No retries: a mistake fails at once instead of backing off for minutes (the 429 test opts in).
  const handle = await startSlack(cfg, { bot: opts.wrap ? opts.wrap(bot) : bot, http, log: silentLogger }, { retryConfig: { retries: 0 }, drainMs: 2000, pacing: { rule: TEST_POST_RULE }, ...opts.slack });
  const port = await http.listen(0, '127.0.0.1');
  return {
    standin,
    bot,
    store,
    handle,
    http,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    async close() {
      await handle.stop();
      await bot.close();
      await http.close();
      await renderer.close();
      await store.close();
      await standin.close();
    },
  };
}
