import { createHttpApp } from '../../src/http/server.ts';
import type { Gradbot } from '../../src/bot.ts';
import { createGradbot, type GradbotCore } from '../../src/gradbot.ts';
import type { Renderer } from '../../src/render/types.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import type { TenancyStore } from '../../src/store/tenancy.ts';
import { startDiscord, type DiscordStartConfig } from '../../src/platforms/discord/index.ts';
import type { PlatformHandle } from '../../src/platforms/types.ts';
import { BOT_TOKEN, GUILD_ID } from './standin/ids.ts';
import { DiscordStandin, type DiscordLimits, type RecordedRequest } from './standin/server.ts';

export interface Harness {
  standin: DiscordStandin;
  handle: PlatformHandle;
  /** Dispatches an INTERACTION_CREATE and returns the index to wait for requests from. */
  send(payload: unknown): number;
  after(from: number, pred: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** The real discord.js client, through startDiscord, against the stand-in. */
export async function startHarness(bot: Gradbot, opts: { log?: Logger; tenancy?: TenancyStore; discord?: Partial<DiscordStartConfig>; limits?: DiscordLimits } = {}): Promise<Harness> {
  const standin = new DiscordStandin();
  if (opts.limits) standin.limits = opts.limits;
  await standin.start();
  const http = createHttpApp();
  const handle = await startDiscord(
    { token: BOT_TOKEN, apiUrl: standin.apiUrl, guildId: GUILD_ID, restRetries: 2, restTimeoutMs: 5_000, ...opts.discord },
    { bot, http, log: opts.log ?? silentLogger, ...(opts.tenancy ? { tenancy: opts.tenancy } : {}) },
  );
  return {
    standin,
    handle,
    send(payload) {
      const from = standin.requests.length;
      standin.dispatch('INTERACTION_CREATE', payload);
      return from;
    },
    after: (from, pred) => standin.waitFor(pred, { from }),
    async close() {
      await handle.stop();
      await standin.close();
      await http.close();
    },
  };
}

/** The core as production wires it (an in-memory SQLite store, 10-minute quizzes) behind the harness. */
export interface DiscordRig {
  store: Store;
  renderer: Renderer;
  bot: GradbotCore;
  h: Harness;
  close(): Promise<void>;
}

export async function startDiscordRig(renderer: Renderer, opts: Parameters<typeof startHarness>[1] = {}): Promise<DiscordRig> {
  const store = await openStore('sqlite::memory:');
  const bot = createGradbot({ services: { renderer, store, now: Date.now }, quizMinutes: 10, log: { error: () => undefined } });
  const h = await startHarness(bot, opts);
  return {
    store,
    renderer,
    bot,
    h,
    async close() {
      await h.close();
      await bot.close();
      await renderer.close();
      await store.close();
    },
  };
}

export const isCallback = (r: RecordedRequest): boolean => r.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path);
export const isEditOriginal = (r: RecordedRequest): boolean => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.status === 200;
export const isFollowUp = (r: RecordedRequest): boolean => r.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(r.path) && r.status === 200;
export const isThreadStart = (r: RecordedRequest): boolean => r.method === 'POST' && /\/messages\/\d+\/threads$/.test(r.path);
export const isChannelPost = (r: RecordedRequest): boolean => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200;

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
