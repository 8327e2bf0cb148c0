import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { ReplyImage } from '../reply.ts';

/** What commands need from rendering. The implementation runs in a worker pool, off the main loop. */
export interface Renderer {
  /** breakdown.png (the chain-rule card) and chart.png (weights over training) for one run. */
  explode(spec: RunSpec): Promise<{ breakdown: ReplyImage; chart: ReplyImage }>;
  /** example.png: the lecture's worked example with these numbers. */
  example(ex: WorkedExample): Promise<ReplyImage>;
  /** True while the pool can take work; false past its queue bound ("busy, try again"). */
  readonly accepting: boolean;
  close(): Promise<void>;
}

export class RenderBusyError extends Error {
  constructor() {
    super('The picture renderer is busy; try again in a moment.');
  }
}
