import { healthyBaseline, simulate, type RunSpec, type WorkedExample } from '../engine/index.ts';
import type { ReplyImage } from '../reply.ts';
import { breakdownAlt, renderBreakdownPng } from './breakdown.ts';
import { chartAlt, renderChartPng } from './chart.ts';
import { exampleAlt, renderExamplePng } from './example.ts';

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function image(name: string, png: Buffer, alt: string): ReplyImage {
  return { name, png, alt, ...pngSize(png) };
}

/** Both pictures for a run, simulated here from the spec (cheaper than shipping its arrays between threads). */
export function explodeImages(spec: RunSpec): { breakdown: ReplyImage; chart: ReplyImage } {
  const run = simulate(spec);
  const baseline = simulate(healthyBaseline(spec));
  return {
    breakdown: image('breakdown.png', renderBreakdownPng(run), breakdownAlt(run)),
    chart: image('chart.png', renderChartPng(run, baseline), chartAlt(run, baseline)),
  };
}

export function exampleImage(ex: WorkedExample): ReplyImage {
  return image('example.png', renderExamplePng(ex), exampleAlt(ex));
}
