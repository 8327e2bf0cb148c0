import type { Renderer } from './render/types.ts';

/**
 * What commands are handed. The store and the quiz service are added by the
 * teaching-loop work; the entry point builds one Services and every adapter shares it.
 */
export interface Services {
  renderer: Renderer;
  /** Epoch milliseconds; tests pass a fake clock. */
  now(): number;
}
