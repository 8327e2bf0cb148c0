import { parentPort } from 'node:worker_threads';
import type { ReplyImage } from '../reply.ts';
import { explodeImages, exampleImage } from './images.ts';
import type { RenderJob, RenderResult, WireImage } from './protocol.ts';

/** A render worker: one job at a time; fonts, MathJax and Chart.js load once per thread. */

function toWire(img: ReplyImage): WireImage {
  // A fresh ArrayBuffer we own, so it can be transferred instead of copied again.
  const png = new ArrayBuffer(img.png.byteLength);
  new Uint8Array(png).set(img.png);
  return { name: img.name, png, alt: img.alt, width: img.width, height: img.height };
}

export function runJob(job: RenderJob): RenderResult {
  try {
    const images = job.kind === 'explode' ? Object.values(explodeImages(job.spec)) : [exampleImage(job.ex)];
    return { id: job.id, ok: true, images: images.map(toWire) };
  } catch (e) {
    return { id: job.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Answers the pool's jobs on this worker thread's port. */
export function serve(): void {
  const port = parentPort;
  if (!port) throw new Error('the render worker must run in a worker thread');
  port.on('message', (job: RenderJob) => {
    const result = runJob(job);
    port.postMessage(result, result.ok ? result.images.map((i) => i.png) : []);
  });
}
