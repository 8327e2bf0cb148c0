import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { LayersParams, LayersReport } from '../engine/layers/index.ts';
import type { LayersQuizFacts } from '../quiz/layers-questions.ts';
import type { ReplyImage } from '../reply.ts';

/** What a /layers reply needs: the run (and its comparison), the quiz's re-runs, and gradient.png, activations.png, training.png. */
export interface LayersRendered {
  report: LayersReport;
  facts: LayersQuizFacts;
  images: ReplyImage[];
}

/** One command's pictures, as a command asks whether it may have them. */
export type RenderRequest = { kind: 'explode'; spec: RunSpec } | { kind: 'example'; ex: WorkedExample };

/** Whether a renderer would take this request now: its own answer, or its general one. */
export function canRender(renderer: Renderer, request: RenderRequest): boolean {
  return renderer.accepts ? renderer.accepts(request) : renderer.accepting;
}

/** What commands need from rendering. The implementation runs in a worker pool, off the main loop. */
export interface Renderer {
  /** breakdown.png (the chain-rule card) and chart.png (weights over training) for one run. */
  explode(spec: RunSpec): Promise<{ breakdown: ReplyImage; chart: ReplyImage }>;
  /** example.png: the lecture's worked example with these numbers. */
  example(ex: WorkedExample): Promise<ReplyImage>;
  /**
   * A /layers run computed and drawn off the main thread. Optional so that
   * renderers built for /explode alone (test doubles) still type-check; a
   * command without it answers that /layers is unavailable.
   */
  layers?(params: LayersParams): Promise<LayersRendered>;
  /** True while the pool can take work; false past its queue bound ("busy, try again"). */
  readonly accepting: boolean;
  /**
   * Whether this request would be taken now. A cache says yes to pictures it
   * holds or is drawing even while the renderer behind it is busy; without
   * this method, `accepting` answers for every request.
   */
  accepts?(request: RenderRequest): boolean;
  /**
   * Stops taking work and ends the workers once the picture in hand is done.
   * `waitMs` bounds that wait (a pool's own default otherwise): the shutdown
   * passes what is left of GRADBOT_SHUTDOWN_SECONDS.
   */
  close(waitMs?: number): Promise<void>;
}

export class RenderBusyError extends Error {
  constructor() {
    super('The picture renderer is busy; try again in a moment.');
  }
}
