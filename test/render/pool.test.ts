import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RENDER_NICE } from '../../src/render/thread-priority.ts';
import { lectureSpec, workedExample, LECTURE_EXAMPLE } from '../../src/engine/index.ts';
import { createRenderPool } from '../../src/render/pool.ts';
import { RenderBusyError, type Renderer } from '../../src/render/types.ts';
import { PNG_SIGNATURE } from './helpers.ts';

const FAKE = new URL('./fixtures/fake-worker.mjs', import.meta.url);
const lectureExample = () => workedExample(LECTURE_EXAMPLE.factors, LECTURE_EXAMPLE.w, LECTURE_EXAMPLE.lr);
const exampleWith = (w: number) => workedExample([1, 2], w, 0.1);

let pools: Renderer[] = [];
function pool(...args: Parameters<typeof createRenderPool>): Renderer {
  const p = createRenderPool(...args);
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
});

describe('the render pool, with the real workers', () => {
  it('renders concurrent jobs while the main event loop keeps ticking', async () => {
    const renderer = pool({ size: 2 });
    let ticks = 0;
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    const specs = [500, 1, 50, 0.5, 3, 400, 2, 10].map((w) => lectureSpec({ w }));
    const [results, example] = await Promise.all([Promise.all(specs.map((s) => renderer.explode(s))), renderer.example(lectureExample())]);
    clearInterval(timer);
    const elapsed = performance.now() - started;
    // Timing is reported, not asserted: the machine may be busy. That the loop ticked at all
    // while 8 two-picture jobs ran proves the rendering happened elsewhere.
    console.info(`pool: 8 explode + 1 example in ${elapsed.toFixed(0)} ms; ${ticks} ticks of 5 ms, longest gap ${longest.toFixed(0)} ms`);
    expect(ticks).toBeGreaterThan(10);
    for (const r of results) {
      expect(r.breakdown.name).toBe('breakdown.png');
      expect(r.chart.name).toBe('chart.png');
      for (const img of [r.breakdown, r.chart]) {
        expect(img.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(img.width).toBe(1200);
        expect(img.alt).toMatch(/^[A-Z].*\.$/);
      }
    }
    // Different specs, different pictures: nothing is mixed up between jobs.
    expect(new Set(results.map((r) => r.breakdown.alt)).size).toBe(specs.length);
    expect(results[0]!.breakdown.alt).toContain('w=500');
    expect(example.name).toBe('example.png');
    expect(example.alt).toContain('93,750,000');
    // Both workers run below the main thread (nice 10), where the OS lets a thread have its own priority.
    if (existsSync('/proc/thread-self')) {
      const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      // At least two: a pool from an earlier test in this file may still be winding down.
      expect(readdirSync('/proc/self/task').filter((t) => niceOf(t) === RENDER_NICE).length).toBeGreaterThanOrEqual(2);
      expect(niceOf(String(process.pid))).toBeLessThan(RENDER_NICE);
    }
  });
});

describe('the render pool, with a stand-in worker', () => {
  it('refuses work past its queue bound with RenderBusyError and takes work again once drained', async () => {
    const renderer = pool({ size: 1, maxQueue: 1, workerUrl: FAKE });
    expect(renderer.accepting).toBe(true);
    const running = renderer.example(exampleWith(1));
    const queued = renderer.example(exampleWith(2));
    expect(renderer.accepting).toBe(false);
    await expect(renderer.example(exampleWith(3))).rejects.toBeInstanceOf(RenderBusyError);
    await expect(Promise.all([running, queued])).resolves.toHaveLength(2);
    expect(renderer.accepting).toBe(true);
    await expect(renderer.example(exampleWith(4))).resolves.toMatchObject({ name: 'example.png' });
  });

  it("draws an /explode's two pictures on two free workers at once", async () => {
    const renderer = pool({ size: 2, workerUrl: FAKE });
    const { breakdown, chart } = await renderer.explode(lectureSpec({ w: 999 }));
    expect(breakdown.alt).toMatch(/^fake breakdown\.png on thread \d+$/); // no warm-up asked for
    expect(chart.alt).toMatch(/^fake chart\.png on thread \d+$/);
    const thread = (alt: string) => alt.split(' ').at(-1);
    // Each picture took 300 ms; on one worker the second would have waited for the first.
    expect(thread(breakdown.alt)).not.toBe(thread(chart.alt));
  });

  it('with prewarm, starts every worker at once and has each warm up before its first job', async () => {
    const renderer = pool({ size: 2, prewarm: true, workerUrl: FAKE });
    const { breakdown, chart } = await renderer.explode(lectureSpec({ w: 999 }));
    expect(breakdown.alt).toMatch(/^fake breakdown\.png on thread \d+, warmed up$/);
    expect(chart.alt).toMatch(/^fake chart\.png on thread \d+, warmed up$/);
  });

  it('counts an /explode as one request against the queue bound, and refuses a request whole', async () => {
    const renderer = pool({ size: 1, maxQueue: 1, workerUrl: FAKE });
    // One picture drawing, the other waiting: one request in the queue, which is its bound.
    const first = renderer.explode(lectureSpec({ w: 999 }));
    expect(renderer.accepting).toBe(false);
    await expect(renderer.explode(lectureSpec({ w: 1 }))).rejects.toBeInstanceOf(RenderBusyError);
    await expect(first).resolves.toMatchObject({ breakdown: { name: 'breakdown.png' }, chart: { name: 'chart.png' } });
    expect(renderer.accepting).toBe(true);
    // Nothing of the refused request was left behind in the queue: the next one is drawn at once.
    await expect(renderer.explode(lectureSpec({ w: 2 }))).resolves.toMatchObject({ chart: { name: 'chart.png' } });
  });

  it('fails the job of a worker that exits, and replaces the worker', async () => {
    const renderer = pool({ size: 1, workerUrl: FAKE });
    const crashed = renderer.example(exampleWith(666));
    const after = renderer.example(exampleWith(1));
    await expect(crashed).rejects.toThrow(/exit code 7/);
    await expect(after).resolves.toMatchObject({ name: 'example.png' });
  });

  it('fails the job of a worker that throws, with its message', async () => {
    const renderer = pool({ size: 1, workerUrl: FAKE });
    await expect(renderer.example(exampleWith(888))).rejects.toThrow(/boom in the worker/);
    await expect(renderer.explode(lectureSpec())).resolves.toMatchObject({ breakdown: { name: 'breakdown.png' }, chart: { name: 'chart.png' } });
  });

  it('fails a job that never finishes, after the timeout, and carries on', async () => {
    // The bound applies to the next job too, which waits for a replacement worker to start: 2 s leaves room for a loaded machine.
    const renderer = pool({ size: 1, workerUrl: FAKE, jobTimeoutMs: 2000 });
    await expect(renderer.example(exampleWith(777))).rejects.toThrow(/longer than 2000 ms/);
    await expect(renderer.example(exampleWith(1))).resolves.toMatchObject({ name: 'example.png' });
  });

  it('rejects waiting and new jobs once closed', async () => {
    // The hung worker never reads its stop: it is terminated after the bound.
    const renderer = pool({ size: 1, workerUrl: FAKE, stopWaitMs: 200 });
    const hung = expect(renderer.example(exampleWith(777))).rejects.toThrow(/closed/);
    const waiting = expect(renderer.example(exampleWith(1))).rejects.toThrow(/closed/);
    await renderer.close();
    await hung;
    await waiting;
    await expect(renderer.example(exampleWith(1))).rejects.toThrow(/closed/);
    expect(renderer.accepting).toBe(false);
  });

  it('closes while the real workers are drawing without taking the process down', async () => {
    // Terminating a worker inside a canvas call aborted the whole process (a fatal napi error): only a child can show it.
    const { execFile } = await import('node:child_process');
    const script = new URL('./fixtures/close-while-drawing.mts', import.meta.url).pathname;
    const r = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', script], { timeout: 80_000 }, (_e, _out, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stderr }));
    });
    expect(r.stderr).not.toMatch(/FATAL/);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
  }, 90_000);
});
