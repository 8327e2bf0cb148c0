import { describe, expect, it } from 'vitest';
import { lectureSpec, workedExample, type RunSpec, type WorkedExample } from '../../src/engine/index.ts';
import { parseExplode } from '../../src/params/index.ts';
import type { ReplyImage } from '../../src/reply.ts';
import { createRenderCache, withRenderCache } from '../../src/render/cache.ts';
import { RenderBusyError, type Renderer } from '../../src/render/types.ts';

const KB = 1024;

interface Call {
  kind: 'explode' | 'example';
  arg: RunSpec | WorkedExample;
  resolve(): void;
  reject(e: Error): void;
}

/**
 * A Renderer that counts its renders and lets the test decide when each one
 * finishes. The PNG sizes come from the request (w for explode, w for
 * example), so eviction by bytes can be steered.
 */
function fakeRenderer(opts: { explodeBytes?: (s: RunSpec) => number; auto?: boolean } = {}) {
  const calls: Call[] = [];
  let closed = false;
  let accepting = true;
  const png = (size: number, tag: string) => {
    const b = Buffer.alloc(size);
    b.write(tag);
    return b;
  };
  const img = (name: string, size: number, tag: string): ReplyImage => ({ name, png: png(size, tag), alt: `${name} ${tag}`, width: 1200, height: 800 });
  const explodeBytes = opts.explodeBytes ?? (() => 10 * KB);
  const renderer: Renderer = {
    explode(spec) {
      return new Promise((resolve, reject) => {
        const half = explodeBytes(spec) / 2;
        const call: Call = {
          kind: 'explode',
          arg: spec,
          resolve: () => resolve({ breakdown: img('breakdown.png', half, `w=${spec.w}`), chart: img('chart.png', half, `w=${spec.w}`) }),
          reject,
        };
        calls.push(call);
        if (opts.auto !== false) call.resolve();
      });
    },
    example(ex) {
      return new Promise((resolve, reject) => {
        const call: Call = { kind: 'example', arg: ex, resolve: () => resolve(img('example.png', 4 * KB, `w=${ex.w}`)), reject };
        calls.push(call);
        if (opts.auto !== false) call.resolve();
      });
    },
    get accepting() {
      return accepting && !closed;
    },
    async close() {
      closed = true;
    },
  };
  return {
    renderer,
    calls,
    setAccepting: (v: boolean) => (accepting = v),
    isClosed: () => closed,
  };
}

function typed(text: string): RunSpec {
  const r = parseExplode({ text });
  if (!r.ok) throw new Error(r.message);
  return r.spec;
}

describe('the render cache', () => {
  it('renders identical normalised parameters once, however they were typed', async () => {
    const fake = fakeRenderer();
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    const a = await cache.explode(typed('w=500 lr=0.01'));
    const b = await cache.explode(typed('lr=1e-2  w=500'));
    const c = await cache.explode(typed('w=500 lr=0.01 depth=3 act=sigmoid'));
    expect(fake.calls).toHaveLength(1);
    expect(b.breakdown.png).toBe(a.breakdown.png);
    expect(c.chart.png).toBe(a.chart.png);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, entries: 1, bytes: 10 * KB, evictions: 0 });
  });

  it('renders different parameters separately and keeps their pictures apart', async () => {
    const fake = fakeRenderer();
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    const a = await cache.explode(lectureSpec({ w: 500 }));
    const b = await cache.explode(lectureSpec({ w: 510 }));
    const c = await cache.explode(lectureSpec({ w: 500, steps: 31 }));
    expect(fake.calls).toHaveLength(3);
    expect(a.breakdown.alt).toContain('w=500');
    expect(b.breakdown.alt).toContain('w=510');
    expect(c.breakdown.png).not.toBe(a.breakdown.png);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, entries: 3 });
  });

  it('shares one render among identical requests that arrive while it runs', async () => {
    const fake = fakeRenderer({ auto: false });
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    const pending = Array.from({ length: 60 }, () => cache.explode(typed('w=500 lr=0.01')));
    expect(fake.calls).toHaveLength(1);
    fake.calls[0]!.resolve();
    const results = await Promise.all(pending);
    expect(fake.calls).toHaveLength(1);
    expect(new Set(results.map((r) => r.breakdown.png)).size).toBe(1);
    // Each caller has its own image objects over the same bytes.
    expect(results[0]!.breakdown).not.toBe(results[1]!.breakdown);
    expect(cache.stats()).toMatchObject({ hits: 59, shared: 59, misses: 1, entries: 1 });
    // And once finished, it is served from memory.
    await cache.explode(lectureSpec({}));
    expect(fake.calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ hits: 60, shared: 59 });
  });

  it('hands a shared render to the requests that joined it one per turn of the event loop', async () => {
    const fake = fakeRenderer({ auto: false });
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    let done = 0;
    const all = Array.from({ length: 10 }, () => cache.explode(lectureSpec({})).then(() => done++));
    fake.calls[0]!.resolve();
    let turns = 0;
    while (done < 10) {
      await new Promise((r) => setImmediate(r));
      turns++;
    }
    await Promise.all(all);
    // The first requester at once, then the nine that joined, each in a turn of its own.
    expect(turns).toBeGreaterThanOrEqual(9);
    expect(fake.calls).toHaveLength(1);
  });

  it('evicts the least recently used pictures first, by total PNG bytes', async () => {
    // Each run's two PNGs weigh w KB together.
    const fake = fakeRenderer({ explodeBytes: (s) => s.w * KB });
    const cache = createRenderCache(fake.renderer, { maxBytes: 100 * KB });
    await cache.explode(lectureSpec({ w: 40 })); // A
    await cache.explode(lectureSpec({ w: 30 })); // B
    await cache.explode(lectureSpec({ w: 20 })); // C: 90 KB held
    await cache.explode(lectureSpec({ w: 40 })); // A used again: now B is the oldest
    expect(cache.stats()).toMatchObject({ bytes: 90 * KB, entries: 3, evictions: 0 });

    await cache.explode(lectureSpec({ w: 24 })); // D: 114 KB, B (30) goes
    expect(cache.stats()).toMatchObject({ bytes: 84 * KB, entries: 3, evictions: 1 });
    const before = fake.calls.length;
    await cache.explode(lectureSpec({ w: 40 }));
    await cache.explode(lectureSpec({ w: 20 }));
    await cache.explode(lectureSpec({ w: 24 }));
    expect(fake.calls.length).toBe(before);
    await cache.explode(lectureSpec({ w: 30 })); // B was evicted: rendered again
    expect(fake.calls.length).toBe(before + 1);

    // Order now, oldest first: A(40) C(20) D(24) B(30) = 114 KB -> A goes.
    expect(cache.stats()).toMatchObject({ bytes: 74 * KB, entries: 3, evictions: 2 });
    await cache.explode(lectureSpec({ w: 20 }));
    expect(fake.calls.length).toBe(before + 1);
    await cache.explode(lectureSpec({ w: 40 }));
    expect(fake.calls.length).toBe(before + 2);
  });

  it('evicts several small entries to make room for one large one, and never keeps one larger than the budget', async () => {
    const fake = fakeRenderer({ explodeBytes: (s) => s.w * KB });
    const cache = createRenderCache(fake.renderer, { maxBytes: 100 * KB });
    for (const w of [10, 20, 30]) await cache.explode(lectureSpec({ w }));
    await cache.explode(lectureSpec({ w: 80 }));
    expect(cache.stats()).toMatchObject({ bytes: 80 * KB, entries: 1, evictions: 3 });
    const big = await cache.explode(lectureSpec({ w: 150 }));
    expect(big.breakdown.png.byteLength).toBe(75 * KB);
    expect(cache.stats()).toMatchObject({ bytes: 80 * KB, entries: 1 });
    await cache.explode(lectureSpec({ w: 150 }));
    expect(fake.calls.filter((c) => (c.arg as RunSpec).w === 150)).toHaveLength(2);
  });

  it('does not remember a failed render: the next request renders again', async () => {
    const fake = fakeRenderer({ auto: false });
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    const first = cache.explode(lectureSpec({}));
    const joined = cache.explode(lectureSpec({}));
    fake.calls[0]!.reject(new RenderBusyError());
    await expect(first).rejects.toBeInstanceOf(RenderBusyError);
    await expect(joined).rejects.toBeInstanceOf(RenderBusyError);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });

    const again = cache.explode(lectureSpec({}));
    expect(fake.calls).toHaveLength(2);
    fake.calls[1]!.resolve();
    await expect(again).resolves.toHaveProperty('breakdown.name', 'breakdown.png');
    expect(cache.stats()).toMatchObject({ entries: 1, misses: 2 });
  });

  it('treats a renderer that throws synchronously like a failed render', async () => {
    let n = 0;
    const throwing: Renderer = {
      explode: () => {
        n++;
        throw new Error('boom');
      },
      example: () => Promise.reject(new Error('unused')),
      accepting: true,
      close: async () => {},
    };
    const cache = createRenderCache(throwing, { maxBytes: 1024 * KB });
    await expect(cache.explode(lectureSpec({}))).rejects.toThrow('boom');
    await expect(cache.explode(lectureSpec({}))).rejects.toThrow('boom');
    expect(n).toBe(2);
  });

  it('caches worked examples by their numbers, apart from runs', async () => {
    const fake = fakeRenderer();
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    const lecture = () => workedExample([150, 100, 125, 50], 500, 0.01);
    const a = await cache.example(lecture());
    const b = await cache.example(lecture());
    await cache.example(workedExample([150, 100, 125, 50], 500, 0.02));
    await cache.example(workedExample([150, 100, 125, 5], 500, 0.01));
    await cache.explode(lectureSpec({ w: 500 }));
    expect(b.png).toBe(a.png);
    expect(fake.calls.map((c) => c.kind)).toEqual(['example', 'example', 'example', 'explode']);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 4, entries: 4, bytes: 3 * 4 * KB + 10 * KB });
  });

  it('with a zero budget keeps nothing but still shares a render in flight', async () => {
    const fake = fakeRenderer({ auto: false });
    const cache = createRenderCache(fake.renderer, { maxBytes: 0 });
    const both = [cache.explode(lectureSpec({})), cache.explode(lectureSpec({}))];
    fake.calls[0]!.resolve();
    await Promise.all(both);
    expect(fake.calls).toHaveLength(1);
    const later = cache.explode(lectureSpec({}));
    expect(fake.calls).toHaveLength(2);
    fake.calls[1]!.resolve();
    await later;
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, hits: 1, misses: 2 });
  });

  it('delegates accepting and close, and refuses work once closed', async () => {
    const fake = fakeRenderer();
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    await cache.explode(lectureSpec({}));
    expect(cache.accepting).toBe(true);
    fake.setAccepting(false);
    expect(cache.accepting).toBe(false);
    fake.setAccepting(true);
    await cache.close();
    expect(fake.isClosed()).toBe(true);
    expect(cache.accepting).toBe(false);
    await expect(cache.explode(lectureSpec({}))).rejects.toThrow(/closed/);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('takes requests it can answer from memory while the renderer behind it is busy', async () => {
    const fake = fakeRenderer({ auto: false });
    const cache = createRenderCache(fake.renderer, { maxBytes: 1024 * KB });
    const lecture = lectureSpec({});
    const ex = workedExample([150, 100, 125, 50], 500, 0.01);
    const drawing = cache.explode(typed('w=300 lr=0.01'));
    const first = [cache.explode(lecture), cache.example(ex)];
    fake.calls.forEach((c) => c.resolve());
    await Promise.all([drawing, ...first]);
    const pending = cache.explode(typed('w=400 lr=0.01'));
    fake.setAccepting(false);
    expect(cache.accepting).toBe(false);
    // Held: the lecture's run typed another way, and the same example.
    expect(cache.accepts({ kind: 'explode', spec: typed('lr=1e-2 w=500') })).toBe(true);
    expect(cache.accepts({ kind: 'example', ex: workedExample([150, 100, 125, 50], 500, 0.01) })).toBe(true);
    // Being drawn: joining it costs the renderer nothing.
    expect(cache.accepts({ kind: 'explode', spec: typed('w=400 lr=0.01') })).toBe(true);
    // New pictures wait for the renderer.
    expect(cache.accepts({ kind: 'explode', spec: typed('w=501 lr=0.01') })).toBe(false);
    expect(cache.accepts({ kind: 'example', ex: workedExample([1, 2], 3, 0.1) })).toBe(false);
    fake.calls.at(-1)!.resolve();
    await pending;
    await cache.close();
    expect(cache.accepts({ kind: 'explode', spec: lecture })).toBe(false);
  });

  it('is wired from GRADBOT_RENDER_CACHE_MB: 0 leaves the renderer as it is', async () => {
    const fake = fakeRenderer();
    expect(withRenderCache(fake.renderer, 0)).toBe(fake.renderer);
    const cached = withRenderCache(fake.renderer, 1);
    expect(cached).not.toBe(fake.renderer);
    await cached.explode(lectureSpec({}));
    await cached.explode(lectureSpec({}));
    expect(fake.calls).toHaveLength(1);
  });
});
