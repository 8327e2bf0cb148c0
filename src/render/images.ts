import { simulate, unitGainStart, type RunSpec, type WorkedExample } from '../engine/index.ts';
import type { ReplyImage } from '../reply.ts';
import { breakdownAlt, renderBreakdownPng } from './breakdown.ts';
import { chartAlt, renderChartPng } from './chart.ts';
import { exampleAlt, renderExamplePng } from './example.ts';
import { pngSize } from './png-size.ts';

function image(name: string, png: Buffer, alt: string): ReplyImage {
  return { name, png, alt, ...pngSize(png) };
}

/** The chain-rule card for a run, simulated here from the spec (cheaper than shipping its arrays between threads). */
export function breakdownImage(spec: RunSpec): ReplyImage {
  const run = simulate(spec);
  return image('breakdown.png', renderBreakdownPng(run, simulate(unitGainStart(spec))), breakdownAlt(run));
}

/** The weights over training for a run, next to the same run from a unit-gain start (only the weights changed). */
export function chartImage(spec: RunSpec): ReplyImage {
  const run = simulate(spec);
  const baseline = simulate(unitGainStart(spec));
  return image('chart.png', renderChartPng(run, baseline), chartAlt(run, baseline));
}

/** Both pictures for a run, one after the other on this thread. */
export function explodeImages(spec: RunSpec): { breakdown: ReplyImage; chart: ReplyImage } {
  return { breakdown: breakdownImage(spec), chart: chartImage(spec) };
}

export function exampleImage(ex: WorkedExample): ReplyImage {
  return image('example.png', renderExamplePng(ex), exampleAlt(ex));
}
