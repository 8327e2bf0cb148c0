import type { RunSpec, WorkedExample } from '../engine/index.ts';
import type { LayersParams, LayersReport } from '../engine/layers/index.ts';
import type { LayersQuizFacts } from '../quiz/layers-questions.ts';

/** Messages between the pool and its workers. PNG bytes travel as transferred ArrayBuffers. */
/** One picture per job: the two of an /explode go to two workers at once when both are free. */
export type RenderJob =
  | { id: number; kind: 'breakdown'; spec: RunSpec }
  | { id: number; kind: 'chart'; spec: RunSpec }
  | { id: number; kind: 'example'; ex: WorkedExample }
  /** A /layers run: the engine (up to seconds at the work cap), its quiz facts and three pictures, all on the worker. */
  | { id: number; kind: 'layers'; params: LayersParams };

/** Draw a throwaway picture of each kind so the first student's is not the one that pays for loading and compiling. No answer. */
export interface WarmUp {
  kind: 'warm-up';
}

/**
 * Sent by a closing pool. A worker answers it (Stopped) once the job or
 * warm-up before it is done, and the pool terminates it then: a worker
 * terminated in the middle of a canvas call takes the whole process down (a
 * fatal napi error), and one that ends itself with process.exit() once set
 * off a "double free or corruption" in native teardown, so the thread is
 * stopped from outside, and only while idle.
 */
export interface Stop {
  kind: 'stop';
}

/** A worker's answer to Stop: idle now, nothing in hand. */
export interface Stopped {
  kind: 'stopped';
}

export interface WireImage {
  name: string;
  png: ArrayBuffer;
  alt: string;
  width: number;
  height: number;
}

export interface WireLayers {
  report: LayersReport;
  facts: LayersQuizFacts;
  images: WireImage[];
}

export type RenderResult =
  | { id: number; ok: true; image: WireImage }
  | { id: number; ok: true; layers: WireLayers }
  | { id: number; ok: false; message: string };
