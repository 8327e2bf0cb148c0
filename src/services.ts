import type { Renderer } from './render/types.ts';
import type { Store } from './store/types.ts';

/**
 * What commands are handed. The entry point builds one Services and every
 * adapter shares it; whoever builds it closes the renderer and the store
 * (Gradbot.close() only stops the core's own timers).
 */
export interface Services {
  renderer: Renderer;
  /** Quizzes, answers, scores, class settings: src/store (openStore(process.env.DATABASE_URL)). */
  store: Store;
  /** Epoch milliseconds; tests pass a fake clock. */
  now(): number;
}
