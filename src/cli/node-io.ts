import { writeFile } from 'node:fs/promises';
import { makeDirs } from '../ops/make-dirs.ts';
import { join } from 'node:path';
import type { ReplyImage } from '../reply.ts';
import type { CliIO } from './io.ts';

async function writeImages(dir: string, images: readonly ReplyImage[]): Promise<string[]> {
  makeDirs(dir);
  return Promise.all(
    images.map(async (img) => {
      const path = join(dir, img.name);
      await writeFile(path, img.png);
      return path;
    }),
  );
}

/**
 * The real terminal. Rendering is loaded lazily so plain text runs never start
 * the canvas stack; the CLI is one-shot, so it renders on its own thread.
 */
export const nodeIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  async renderExplode(spec, dir) {
    const { explodeImages } = await import('../render/images.ts');
    const { breakdown, chart } = explodeImages(spec);
    return writeImages(dir, [breakdown, chart]);
  },
  async renderExample(ex, dir) {
    const { exampleImage } = await import('../render/images.ts');
    return writeImages(dir, [exampleImage(ex)]);
  },
  async renderLayers(params, dir) {
    const { layersImages } = await import('../render/layers/images.ts');
    return writeImages(dir, layersImages(params).images);
  },
};
