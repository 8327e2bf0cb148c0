import type { Renderer } from './types.ts';
import { exampleImage, explodeImages } from './images.ts';
import { layersImages } from './layers/images.ts';
import { layersQuizFacts } from '../quiz/layers-questions.ts';

/**
 * Rendering on the calling thread: for one-shot tools (the CLI) and
 * benchmarks. A bot uses createRenderPool so its event loop stays free.
 */
export function createInProcessRenderer(): Renderer {
  let closed = false;
  const guard = () => {
    if (closed) throw new Error('the renderer is closed');
  };
  return {
    async explode(spec) {
      guard();
      return explodeImages(spec);
    },
    async example(ex) {
      guard();
      return exampleImage(ex);
    },
    async layers(params) {
      guard();
      const { report, images } = layersImages(params);
      return { report, facts: layersQuizFacts(report.run), images };
    },
    get accepting() {
      return !closed;
    },
    async close() {
      closed = true;
    },
  };
}
