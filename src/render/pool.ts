// Loaded here too, not only in the workers: if the main thread never maps canvas's native
// library, the last worker to exit unloads it under its own cleanup hooks and the process segfaults.
import 'canvas';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { LayersParams } from '../engine/layers/index.ts';
import type { ReplyImage } from '../reply.ts';
import { within } from '../ops/deadline.ts';
import type { RenderJob, RenderResult, Stop, Stopped, WarmUp, WireImage } from './protocol.ts';
import { RenderBusyError, type LayersRendered, type Renderer } from './types.ts';

export interface RenderPoolOptions {
  /**
   * Worker threads; defaults to one per core. The event loop needs no core of
   * its own: it does well under a millisecond per command, and with every core
   * rendering, a burst of 60 on 2 cores still saw at most 20-40 ms of
   * event-loop lag (the same as with one worker), in half the time
   * (npm run bench, docs/performance.md).
   */
  size?: number;
  /**
   * Requests (one /explode or /example each) that may wait for a free worker;
   * past this the pool refuses with RenderBusyError. Default 4 per worker.
   */
  maxQueue?: number;
  /** A job running longer than this fails and its worker is replaced. Default 60 s. */
  jobTimeoutMs?: number;
  /**
   * Start every worker now and have it draw a throwaway picture of each kind,
   * instead of on the first jobs: loading and the first pictures take a worker
   * about a second, which a class's first burst after a restart would wait for.
   */
  prewarm?: boolean;
  /**
   * How long close() lets a worker finish its picture and stop before
   * terminating it, when close() is not given a bound. Default 20 s (the
   * default GRADBOT_SHUTDOWN_SECONDS): terminating a worker inside a canvas
   * call aborts the whole process, and on a loaded machine one picture of a
   * worker at nice 10 can take seconds.
   */
  stopWaitMs?: number;
  /** The worker's entry module (JavaScript that loads its own TypeScript, see worker-entry.mjs); tests substitute their own. */
  workerUrl?: URL;
}

type JobBody = { kind: 'breakdown'; spec: RunSpec } | { kind: 'chart'; spec: RunSpec } | { kind: 'example'; ex: WorkedExample } | { kind: 'layers'; params: LayersParams };

/** What a job answers: one picture, or a /layers run with its pictures. */
type JobOutput = ReplyImage | LayersRendered;

/** The pictures of one command. The queue bound counts these, so an /explode (two pictures) and an /example weigh the same. */
interface Request {
  /** Its pictures not yet given to a worker. */
  waiting: number;
}

interface Pending {
  job: RenderJob;
  request: Request;
  resolve(out: JobOutput): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  /** Set while closing: called when the worker says it is idle. */
  onStopped?: () => void;
  current: Pending | null;
  timer: NodeJS.Timeout | null;
  lastError: Error | null;
}

function fromWire(w: WireImage): ReplyImage {
  return { name: w.name, png: Buffer.from(w.png), alt: w.alt, width: w.width, height: w.height };
}

/**
 * The Renderer as a pool of worker threads: rendering (tens of ms of
 * synchronous canvas work per picture, a class's worth at once) never
 * blocks the event loop that keeps the chat connections' heartbeats. Jobs
 * beyond the workers wait in a bounded queue; a crashed or stuck worker
 * fails its job and is replaced.
 */
export function createRenderPool(opts: RenderPoolOptions = {}): Renderer {
  const size = Math.max(1, opts.size ?? availableParallelism());
  const maxQueue = Math.max(0, opts.maxQueue ?? 4 * size);
  const timeoutMs = opts.jobTimeoutMs ?? 60_000;
  const stopWaitMs = opts.stopWaitMs ?? 20_000;
  const url = opts.workerUrl ?? new URL('./worker-entry.mjs', import.meta.url);
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;
  /** Requests with a picture still in the queue. */
  let waitingRequests = 0;

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
    worker.on('message', (r: RenderResult | Stopped) => {
      if ('kind' in r) return slot.onStopped?.();
      const p = settle(slot);
      if (p) {
        if (r.ok) p.resolve('image' in r ? fromWire(r.image) : { report: r.layers.report, facts: r.layers.facts, images: r.layers.images.map(fromWire) });
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
    if (--p.request.waiting === 0) waitingRequests--;
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

  function hasRoom(): boolean {
    return slots.some((s) => s.current === null) || slots.length < size || waitingRequests < maxQueue;
  }

  /** Queues the pictures of one request together: all of them are taken, or none. */
  function submit(bodies: readonly JobBody[]): Promise<JobOutput>[] {
    if (closed) return bodies.map(() => Promise.reject(new Error('the renderer is closed')));
    if (!hasRoom()) return bodies.map(() => Promise.reject(new RenderBusyError()));
    const request: Request = { waiting: bodies.length };
    waitingRequests++;
    const images = bodies.map(
      (body) =>
        new Promise<JobOutput>((resolve, reject) => {
          queue.push({ job: { ...body, id: nextId++ }, request, resolve, reject });
        }),
    );
    pump();
    return images;
  }

  function named(out: JobOutput, name: string): ReplyImage {
    if (!('png' in out)) throw new Error(`the render worker returned a /layers run, not ${name}`);
    const image = out;
    if (image.name !== name) throw new Error(`the render worker returned ${image.name}, not ${name}`);
    return image;
  }

  if (opts.prewarm) {
    const warmUp: WarmUp = { kind: 'warm-up' };
    // A job given to a worker still warming up waits in its port for the few hundred ms left.
    for (let i = 0; i < size; i++) spawn().worker.postMessage(warmUp);
  }

  return {
    async explode(spec) {
      // Two jobs, so that with two free workers a lone student's pictures are drawn side by side.
      const [breakdown, chart] = await Promise.all(submit([{ kind: 'breakdown', spec }, { kind: 'chart', spec }]));
      return { breakdown: named(breakdown!, 'breakdown.png'), chart: named(chart!, 'chart.png') };
    },
    async example(ex) {
      const [image] = await Promise.all(submit([{ kind: 'example', ex }]));
      return named(image!, 'example.png');
    },
    async layers(params) {
      const [out] = await Promise.all(submit([{ kind: 'layers', params }]));
      if (!out || 'png' in out) throw new Error('the render worker returned a picture, not a /layers run');
      return out;
    },
    get accepting() {
      return !closed && hasRoom();
    },
    async close(waitMs = stopWaitMs) {
      closed = true;
      waitingRequests = 0;
      for (const p of queue.splice(0)) p.reject(new Error('the renderer is closed'));
      const stop: Stop = { kind: 'stop' };
      await Promise.all(
        slots.slice().map(async (s) => {
          const p = settle(s);
          p?.reject(new Error('the renderer is closed'));
          // Terminated once it has finished the picture (or warm-up) in hand and said so; one stuck past the bound regardless.
          const idle = new Promise<void>((resolve) => {
            s.onStopped = resolve;
            s.worker.once('exit', () => resolve());
          });
          s.worker.postMessage(stop);
          await within(idle, Math.max(0, waitMs));
          await s.worker.terminate();
        }),
      );
    },
  };
}
