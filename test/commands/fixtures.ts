import { createCanvas } from 'canvas';
import type { Caller } from '../../commands/types.ts';
import { createGradbot, type GradbotCore, type GradbotOptions } from '../../src/gradbot.ts';
import type { ReplyImage } from '../../src/reply.ts';
import type { Renderer, RenderRequest } from '../../src/render/types.ts';
import { openSqliteStore, parseDatabaseUrl } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';

/** A real (tiny) PNG, so adapters and tests see genuine image bytes. */
export function tinyPng(name: string, alt: string): ReplyImage {
  const c = createCanvas(4, 3);
  const g = c.getContext('2d');
  g.fillStyle = '#c33';
  g.fillRect(0, 0, 4, 3);
  return { name, png: c.toBuffer('image/png'), alt, width: 4, height: 3 };
}

/** A Renderer test double: real PNG bytes, counts its calls, can be made busy or failing. */
export class FakeRenderer implements Renderer {
  calls = 0;
  accepting = true;
  failWith: Error | null = null;
  /** When set, the per-request answer a render cache gives; otherwise `accepting` answers for all. */
  accepts?: (request: RenderRequest) => boolean;

  async explode() {
    this.calls++;
    if (this.failWith) throw this.failWith;
    return { breakdown: tinyPng('breakdown.png', 'The chain-rule breakdown.'), chart: tinyPng('chart.png', 'The weights over training.') };
  }

  async example() {
    this.calls++;
    if (this.failWith) throw this.failWith;
    return tinyPng('example.png', 'The worked example.');
  }

  async close() {}
}

export function caller(over: Partial<Caller> = {}): Caller {
  return { platform: 'web', userId: 'u1', userName: 'Ada', classId: 'web:class1', isTA: false, ...over };
}

export const ta = (over: Partial<Caller> = {}): Caller => caller({ userId: 'ta1', userName: 'Tara', isTA: true, ...over });

/** A mutable clock the services read; advance it by hand. */
export class Clock {
  constructor(public t = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export interface Rig {
  bot: GradbotCore;
  store: Store;
  renderer: FakeRenderer;
  errors: { obj: object; msg: string }[];
  close(): Promise<void>;
}

export function rig(opts: { url?: string; now?: () => number; store?: Store } & Partial<Omit<GradbotOptions, 'services'>> = {}): Rig {
  const target = parseDatabaseUrl(opts.url ?? 'sqlite::memory:');
  // A rig opens synchronously; a PostgreSQL test opens its store itself and passes it in.
  if (!opts.store && target.driver !== 'sqlite') throw new Error('rig: pass a PostgreSQL store as opts.store');
  const store = opts.store ?? openSqliteStore(target.driver === 'sqlite' ? target.path : '');
  const renderer = new FakeRenderer();
  const errors: { obj: object; msg: string }[] = [];
  const { url: _u, now, store: _s, ...rest } = opts;
  const bot = createGradbot({ services: { renderer, store, now: now ?? Date.now }, log: { error: (obj, msg) => errors.push({ obj, msg }) }, ...rest });
  return {
    bot,
    store,
    renderer,
    errors,
    async close() {
      await bot.close();
      await store.close();
    },
  };
}

/** prepare + execute, failing loudly when prepare refuses. */
export async function run(bot: GradbotCore, name: string, text: string, who: Caller) {
  const p = bot.prepare(name, { text }, who);
  if (!p.ok) return p.reply;
  return p.execute();
}
