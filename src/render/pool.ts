// Loaded here too, not only in the workers: if the main thread never maps canvas's native
// library, the last worker to exit unloads it under its own cleanup hooks and the process segfaults.
import 'canvas';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { ReplyImage } from '../reply.ts';
import type { RenderJob, RenderResult, WireImage } from './protocol.ts';
import { RenderBusyError, type Renderer } from './types.ts';

export interface RenderPoolOptions {
  /**
   * Worker threads; defaults to one per core. The event loop needs no core of
   * its own: it does well under a millisecond per command, and with every core
   * rendering, a burst of 60 on 2 cores still saw at most 20-40 ms of
   * event-loop lag (the same as with one worker), in half the time
   * (npm run bench, docs/performance.md).
   */
  size?: number;
  /** Jobs that may wait for a free worker; past this the pool refuses with RenderBusyError. Default 4 per worker. */
  maxQueue?: number;
  /** A job running longer than this fails and its worker is replaced. Default 60 s. */
  jobTimeoutMs?: number;
  /** Start every worker now instead of on the first jobs (each takes about a second to load). */
  prewarm?: boolean;
  /** The worker's entry module (JavaScript that loads its own TypeScript, see worker-entry.mjs); tests substitute their own. */
  workerUrl?: URL;
}

type JobBody = { kind: 'explode'; spec: RunSpec } | { kind: 'example'; ex: WorkedExample };

interface Pending {
  job: RenderJob;
  resolve(images: ReplyImage[]): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  current: Pending | null;
  timer: NodeJS.Timeout | null;
  lastError: Error | null;
}

function fromWire(w: WireImage): ReplyImage {
  return { name: w.name, png: Buffer.from(w.png), alt: w.alt, width: w.width, height: w.height };
}

/**
 * The Renderer as a pool of worker threads: rendering (a few hundred ms of
 * synchronous canvas work per picture) never blocks the event loop that
 * keeps the chat connections' heartbeats. Jobs beyond the workers wait in a
 * bounded queue; a crashed or stuck worker fails its job and is replaced.
 */
export function createRenderPool(opts: RenderPoolOptions = {}): Renderer {
  const size = Math.max(1, opts.size ?? availableParallelism());
  const maxQueue = Math.max(0, opts.maxQueue ?? 4 * size);
  const timeoutMs = opts.jobTimeoutMs ?? 60_000;
  const url = opts.workerUrl ?? new URL('./worker-entry.mjs', import.meta.url);
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function settle(slot: Slot): Pending | null {
    const p = slot.current;
    slot.current = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    // An idle worker must not keep the process alive on its own.
    slot.worker.unref();
    return p;
  }

  function spawn(): Slot {
    const worker = new Worker(url);
    const slot: Slot = { worker, current: null, timer: null, lastError: null };
    worker.on('message', (r: RenderResult) => {
      const p = settle(slot);
      if (p) {
        if (r.ok) p.resolve(r.images.map(fromWire));
        else p.reject(new Error(`rendering failed: ${r.message}`));
      }
      pump();
    });
    worker.on('error', (e) => {
      slot.lastError = e;
    });
    worker.on('exit', (code) => {
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const p = settle(slot);
      const why = slot.lastError ? `: ${slot.lastError.message}` : '';
      p?.reject(new Error(`the render worker stopped (exit code ${code})${why}`));
      if (!closed) pump();
    });
    worker.unref();
    slots.push(slot);
    return slot;
  }

  function assign(slot: Slot, p: Pending): void {
    slot.current = p;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      // Out of the pool before it is idle again: no new job may land on a worker being terminated.
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      const stuck = settle(slot);
      stuck?.reject(new Error(`rendering took longer than ${timeoutMs} ms`));
      void slot.worker.terminate();
      pump();
    }, timeoutMs);
    slot.worker.postMessage(p.job);
  }

  function pump(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => s.current === null) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      assign(slot, queue.shift()!);
    }
  }

  function submit(body: JobBody): Promise<ReplyImage[]> {
    if (closed) return Promise.reject(new Error('the renderer is closed'));
    const free = slots.some((s) => s.current === null) || slots.length < size;
    if (!free && queue.length >= maxQueue) return Promise.reject(new RenderBusyError());
    return new Promise((resolve, reject) => {
      queue.push({ job: { ...body, id: nextId++ } as RenderJob, resolve, reject });
      pump();
    });
  }

  function pick(images: ReplyImage[], name: string): ReplyImage {
    const img = images.find((i) => i.name === name);
    if (!img) throw new Error(`the render worker returned no ${name}`);
    return img;
  }

  if (opts.prewarm) for (let i = 0; i < size; i++) spawn();

  return {
    async explode(spec) {
      const images = await submit({ kind: 'explode', spec });
      return { breakdown: pick(images, 'breakdown.png'), chart: pick(images, 'chart.png') };
    },
    async example(ex) {
      return pick(await submit({ kind: 'example', ex }), 'example.png');
    },
    get accepting() {
      if (closed) return false;
      return slots.some((s) => s.current === null) || slots.length < size || queue.length < maxQueue;
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new Error('the renderer is closed'));
      await Promise.all(
        slots.slice().map((s) => {
          const p = settle(s);
          p?.reject(new Error('the renderer is closed'));
          return s.worker.terminate();
        }),
      );
    },
  };
}
