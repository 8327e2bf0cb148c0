import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { ReplyImage } from '../reply.ts';
import { breakdownImage, chartImage, exampleImage } from './images.ts';
import { LECTURE_EXAMPLE, lectureSpec, workedExample } from '../engine/index.ts';
import type { RenderJob, RenderResult, Stop, Stopped, WarmUp, WireImage } from './protocol.ts';
import { layersImages } from './layers/images.ts';
import { layersParams } from '../engine/layers/index.ts';
import { layersQuizFacts } from '../quiz/layers-questions.ts';
import { lowerThisThreadPriority } from './thread-priority.ts';

/** A render worker: one job at a time; fonts, MathJax and Chart.js load once per thread. */

function toWire(img: ReplyImage): WireImage {
  // A fresh ArrayBuffer we own, so it can be transferred instead of copied again.
  const png = new ArrayBuffer(img.png.byteLength);
  new Uint8Array(png).set(img.png);
  return { name: img.name, png, alt: img.alt, width: img.width, height: img.height };
}

export function runJob(job: RenderJob): RenderResult {
  try {
    if (job.kind === 'layers') {
      const { report, images } = layersImages(job.params);
      return { id: job.id, ok: true, layers: { report, facts: layersQuizFacts(report.run), images: images.map(toWire) } };
    }
    const image = job.kind === 'breakdown' ? breakdownImage(job.spec) : job.kind === 'chart' ? chartImage(job.spec) : exampleImage(job.ex);
    return { id: job.id, ok: true, image: toWire(image) };
  } catch (e) {
    return { id: job.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The first picture of a thread costs several times a later one (MathJax's
 * first typesetting, Chart.js's first layout, V8 compiling the drawing code),
 * so a new worker draws one of each kind. One per turn of the thread's event
 * loop: a stop that arrives meanwhile is answered after the picture in hand,
 * not after the whole warm-up (a stop must never wait for a terminate in the
 * middle of a canvas call, which aborts the process); a job waits for the
 * warm-up to finish. Failures here are not reported: the first real job will
 * meet them and say so.
 */
const WARM_UP: readonly (() => void)[] = [
  () => breakdownImage(lectureSpec()),
  () => chartImage(lectureSpec()),
  () => exampleImage(workedExample(LECTURE_EXAMPLE.factors, LECTURE_EXAMPLE.w, LECTURE_EXAMPLE.lr)),
  () => layersQuizFacts(layersImages(layersParams({ depth: 3, width: 8, batch: 4, steps: 3 })).report.run),
];

/**
 * Every picture leaves native memory behind (formula bitmaps, librsvg
 * handles, Pango layouts) that is freed only when V8 collects the small JS
 * objects holding it, and V8, seeing little JS garbage, waits: left alone,
 * two workers' memory floated up by about 100 MB over 600 renders. A full
 * collection between jobs keeps it flat; it is not cheap (a full heap with
 * MathJax in it), so every 100 jobs: every 25 cost about 15% of the
 * throughput, every 100 a few percent (npm run bench, docs/performance.md).
 */
const COLLECT_EVERY = 100;

/** V8's gc(), which Node exposes only with --expose-gc; turned on for this thread's new contexts. */
function collector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** Answers the pool's jobs on this worker thread's port. */
export function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('the render worker must run in a worker thread');
  // The main thread answers students within Discord's and Slack's 3 s; pictures can wait a few ms for it.
  lowerThisThreadPriority();
  const gc = collector();
  let jobs = 0;
  let warming: (() => void)[] = [];
  // A job that arrives during the warm-up waits for it to finish, as it waited in the port when the warm-up was one call.
  const held: RenderJob[] = [];
  const answer = (job: RenderJob) => {
    const result = runJob(job);
    port.postMessage(result, !result.ok ? [] : 'image' in result ? [result.image.png] : result.layers.images.map((i) => i.png));
    // After the answer is on its way; a job that arrives meanwhile waits the few ms.
    if (gc && ++jobs % COLLECT_EVERY === 0) setImmediate(gc);
  };
  const warmStep = () => {
    try {
      warming.shift()?.();
    } catch {
      // See WARM_UP.
    }
    if (warming.length > 0) return void setImmediate(warmStep);
    for (const job of held.splice(0)) answer(job);
  };
  port.on('message', (job: RenderJob | WarmUp | Stop) => {
    if (job.kind === 'warm-up') {
      warming = [...WARM_UP];
      return void setImmediate(warmStep);
    }
    if (job.kind === 'stop') {
      // Between two steps of JavaScript: nothing is being drawn now, and nothing more will be (the pool has already
      // failed any job it sent, as closed).
      warming = [];
      held.length = 0;
      const stopped: Stopped = { kind: 'stopped' };
      // Said only after the immediates already queued have run. A collection just before the stop (every 100th job's,
      // or one of V8's own) leaves Node-API finalizers (canvas's native destructors) queued as immediates, and the pool
      // terminates this thread as soon as it hears "stopped": terminated inside one of them, the whole process aborts.
      return void setImmediate(() => setImmediate(() => port.postMessage(stopped)));
    }
    if (warming.length > 0) held.push(job);
    else answer(job);
  });
}
