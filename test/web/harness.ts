import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGradbot, type GradbotCore } from '../../src/gradbot.ts';
import { createHttpApp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { startPlayground } from '../../src/platforms/web/index.ts';
import type { WebMessage, WebUser } from '../../src/platforms/web/index.ts';
import type { PlatformHandle } from '../../src/platforms/types.ts';
import { createRenderPool } from '../../src/render/pool.ts';
import { openStore, type Store } from '../../src/store/index.ts';

export const ADA: WebUser = { id: 'ada', name: 'ada', isTA: false };
export const GRACE: WebUser = { id: 'grace', name: 'grace', isTA: false };
export const TOM: WebUser = { id: 'tom', name: 'TA Tom', isTA: true };

export interface Playground {
  url: string;
  bot: GradbotCore;
  store: Store;
  handle: PlatformHandle;
  close(): Promise<void>;
}

/** The real stack on 127.0.0.1: createGradbot, the worker-pool renderer and a temporary SQLite file behind the playground. */
export async function startTestPlayground(): Promise<Playground> {
  const dir = mkdtempSync(join(tmpdir(), 'gradbot-web-'));
  const store = await openStore(`sqlite:${join(dir, 'gradbot.db')}`);
  const renderer = createRenderPool({ size: 1 });
  const bot = createGradbot({ services: { renderer, store, now: Date.now }, quizMinutes: 10, log: silentLogger });
  const http = createHttpApp();
  const handle = startPlayground({ bot, http, log: silentLogger });
  const port = await http.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    bot,
    store,
    handle,
    async close() {
      await handle.stop();
      await http.close();
      await bot.close();
      await renderer.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: { messages?: WebMessage[]; error?: string }; headers: Headers }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { messages?: WebMessage[]; error?: string }, headers: res.headers };
}

/** A tab's view of the channel: the event stream's messages, by id (later versions replace earlier ones). */
export interface EventTab {
  messages: Map<string, WebMessage>;
  waitFor(pred: (m: WebMessage) => boolean): Promise<WebMessage>;
  close(): void;
}

export async function openEvents(base: string, channel = 'class'): Promise<EventTab> {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/events?channel=${channel}`, { signal: ctrl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
  const messages = new Map<string, WebMessage>();
  const waiters: { pred: (m: WebMessage) => boolean; resolve: (m: WebMessage) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const hit = [...messages.values()].find(w.pred);
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (block.includes('event: message') && data) {
            const m = JSON.parse(data.slice(6)) as WebMessage;
            messages.set(m.id, m);
          }
        }
        check();
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    messages,
    waitFor: (pred) =>
      new Promise((resolve) => {
        waiters.push({ pred, resolve });
        check();
      }),
    close: () => ctrl.abort(),
  };
}
