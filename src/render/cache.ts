import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { LayersParams } from '../engine/layers/index.ts';
import { specKey } from '../params/explode.ts';
import { layersKey } from '../params/layers.ts';
import type { ReplyImage } from '../reply.ts';
import { canRender, type LayersRendered, type Renderer, type RenderRequest } from './types.ts';

export interface RenderCacheOptions {
  /** Total PNG bytes kept; the least recently used pictures go first past it. 0 keeps nothing (in-flight sharing still applies). */
  maxBytes: number;
}

export interface RenderCacheStats {
  /** Requests answered without a new render: from the cache, or by joining a render already running. */
  hits: number;
  /** Of the hits, those that joined a render still in flight (a class typing the same command at once). */
  shared: number;
  /** Requests that started a render on the inner renderer. */
  misses: number;
  /** PNG bytes held now. */
  bytes: number;
  entries: number;
  /** Entries dropped to stay within maxBytes. */
  evictions: number;
}

export type CachedRenderer = Renderer & { stats(): RenderCacheStats; accepts(request: RenderRequest): boolean };

type Explode = { breakdown: ReplyImage; chart: ReplyImage };

interface Entry {
  value: Explode | ReplyImage | LayersRendered;
  bytes: number;
}

/** An example is fully determined by its factors, w and lr; product and w_new are in the key anyway, so a hand-built one cannot collide. */
export function exampleKey(ex: WorkedExample): string {
  return `factors=${ex.factors.join(',')} w=${ex.w} lr=${ex.lr} product=${ex.product} w_new=${ex.w_new}`;
}

const explodeKey = (spec: RunSpec): string => `explode ${specKey(spec)}`;
const exampleKeyed = (ex: WorkedExample): string => `example ${exampleKey(ex)}`;

/**
 * Requests that joined a render in flight get its result one per turn of the
 * event loop, not all in the same tick: each then builds its reply (quiz,
 * store, text, under a millisecond), and 60 of them at once would hold the
 * loop for tens of ms, heartbeats and acks waiting behind them.
 */
const releases: (() => void)[] = [];
let releasing = false;

function release(fn: () => void): void {
  releases.push(fn);
  if (!releasing) {
    releasing = true;
    setImmediate(drainOne);
  }
}

function drainOne(): void {
  releases.shift()?.();
  if (releases.length > 0) setImmediate(drainOne);
  else releasing = false;
}

// Callers get their own image objects (the PNG bytes are shared, never copied): one caller's edits stay its own.
const copyImage = (img: ReplyImage): ReplyImage => ({ ...img });
const copyExplode = (e: Explode): Explode => ({ breakdown: copyImage(e.breakdown), chart: copyImage(e.chart) });

/**
 * Reuses the PNGs of a run already drawn. A class typing the lecture's
 * example in the same minute costs one render: identical requests arriving
 * while it runs share its promise, and later ones are served from memory.
 * Keys are the normalised parameters (specKey), so `lr=0.01 w=500` and
 * `w=500 lr=1e-2` are the same picture. Bounded by total PNG bytes, least
 * recently used first out; a failed render is not remembered.
 */
export function createRenderCache(inner: Renderer, opts: RenderCacheOptions): CachedRenderer {
  const maxBytes = Math.max(0, opts.maxBytes);
  const entries = new Map<string, Entry>(); // insertion order = recency, oldest first
  const inFlight = new Map<string, Promise<Explode | ReplyImage | LayersRendered>>();
  let bytes = 0;
  let hits = 0;
  let shared = 0;
  let misses = 0;
  let evictions = 0;
  let closed = false;

  function remember(key: string, value: Explode | ReplyImage | LayersRendered, size: number): void {
    // Closed meanwhile, or a single picture larger than the whole budget: not kept.
    if (closed || size > maxBytes) return;
    entries.set(key, { value, bytes: size });
    bytes += size;
    for (const [k, e] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(k);
      bytes -= e.bytes;
      evictions++;
    }
  }

  function through<T extends Explode | ReplyImage | LayersRendered>(key: string, render: () => Promise<T>, size: (v: T) => number): Promise<T> {
    if (closed) return Promise.reject(new Error('the renderer is closed'));
    const hit = entries.get(key);
    if (hit) {
      hits++;
      entries.delete(key);
      entries.set(key, hit);
      return Promise.resolve(hit.value as T);
    }
    const running = inFlight.get(key);
    if (running) {
      hits++;
      shared++;
      return (running as Promise<T>).then((v) => new Promise<T>((resolve) => release(() => resolve(v))));
    }
    misses++;
    let p: Promise<T>;
    try {
      p = render();
    } catch (e) {
      p = Promise.reject(e);
    }
    const tracked = p.then(
      (v) => {
        inFlight.delete(key);
        remember(key, v, size(v));
        return v;
      },
      (e: unknown) => {
        inFlight.delete(key);
        throw e;
      },
    );
    inFlight.set(key, tracked);
    return tracked;
  }

  return {
    async explode(spec: RunSpec) {
      const v = await through(explodeKey(spec), () => inner.explode(spec), (e) => e.breakdown.png.byteLength + e.chart.png.byteLength);
      return copyExplode(v);
    },
    async example(ex: WorkedExample) {
      const v = await through(exampleKeyed(ex), () => inner.example(ex), (img) => img.png.byteLength);
      return copyImage(v);
    },
    ...(inner.layers
      ? {
          async layers(params: LayersParams) {
            const render = inner.layers!.bind(inner);
            // The run's numbers are a few kB beside its PNGs; the PNGs are what the budget counts.
            const v = await through(`layers ${layersKey(params)}`, () => render(params), (l) => l.images.reduce((n, i) => n + i.png.byteLength, 0));
            return { ...v, images: v.images.map(copyImage) };
          },
        }
      : {}),
    get accepting() {
      return !closed && inner.accepting;
    },
    accepts(request: RenderRequest) {
      if (closed) return false;
      const key = request.kind === 'explode' ? explodeKey(request.spec) : exampleKeyed(request.ex);
      // A class typing the lecture's example while the pool is full still gets it, from memory.
      return entries.has(key) || inFlight.has(key) || canRender(inner, request);
    },
    stats() {
      return { hits, shared, misses, bytes, entries: entries.size, evictions };
    },
    async close(waitMs?: number) {
      closed = true;
      entries.clear();
      bytes = 0;
      await inner.close(waitMs);
    },
  };
}

/** The entry point's wiring: GRADBOT_RENDER_CACHE_MB megabytes of pictures, or no cache at all for 0. */
export function withRenderCache(inner: Renderer, cacheMb: number): Renderer {
  return cacheMb > 0 ? createRenderCache(inner, { maxBytes: cacheMb * 1024 * 1024 }) : inner;
}
