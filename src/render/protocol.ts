import type { RunSpec, WorkedExample } from '../engine/index.ts';

/** Messages between the pool and its workers. PNG bytes travel as transferred ArrayBuffers. */
export type RenderJob = { id: number; kind: 'explode'; spec: RunSpec } | { id: number; kind: 'example'; ex: WorkedExample };

export interface WireImage {
  name: string;
  png: ArrayBuffer;
  alt: string;
  width: number;
  height: number;
}

export type RenderResult = { id: number; ok: true; images: WireImage[] } | { id: number; ok: false; message: string };
