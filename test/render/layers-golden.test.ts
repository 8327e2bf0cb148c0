import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { layersReport } from '../../src/engine/layers/index.ts';
import { parseLayers } from '../../src/params/index.ts';
import { layersImages, layersImagesOf } from '../../src/render/layers/images.ts';
import { pngSize } from '../../src/render/index.ts';

/** As golden.test.ts: pixel comparisons of fixed runs, re-blessed only by `npm run golden:update`. */
const UPDATE = process.env.GOLDEN_UPDATE === '1';
const DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/golden/', import.meta.url));
const MAX_DIFF_SHARE = 0.0001;

function params(text: string) {
  const r = parseLayers({ text });
  if (!r.ok) throw new Error(r.message);
  return r.params;
}

// Presets, trained for fewer steps so the test stays quick; the step-0 pictures are the presets' own.
const GOLDEN: Record<string, string> = {
  'layers-small-random': 'preset=small-random steps=6',
  'layers-he': 'preset=he steps=6',
  'layers-lecture': 'preset=lecture steps=4',
};

describe('/layers golden images', () => {
  for (const [name, text] of Object.entries(GOLDEN)) {
    it(`${name} (${text})`, () => {
      const images = layersImagesOf(layersReport(params(text)));
      for (const img of images) {
        const file = `${DIR}${name}-${img.name}`;
        if (UPDATE) {
          mkdirSync(DIR, { recursive: true });
          writeFileSync(file, img.png);
          continue;
        }
        expect(existsSync(file), `${file} is missing: run npm run golden:update and look at it`).toBe(true);
        const want = PNG.sync.read(readFileSync(file));
        const got = PNG.sync.read(img.png);
        expect({ width: got.width, height: got.height }).toEqual({ width: want.width, height: want.height });
        const diff = new PNG({ width: want.width, height: want.height });
        const differing = pixelmatch(want.data, got.data, diff.data, want.width, want.height, { threshold: 0.1 });
        if (differing / (want.width * want.height) > MAX_DIFF_SHARE) {
          mkdirSync(ARTIFACTS, { recursive: true });
          writeFileSync(`${ARTIFACTS}${name}-${img.name}`, img.png);
          writeFileSync(`${ARTIFACTS}${name}-${img.name}.diff.png`, PNG.sync.write(diff));
        }
        expect(differing / (want.width * want.height)).toBeLessThanOrEqual(MAX_DIFF_SHARE);
      }
    });
  }
});

describe('/layers pictures at the extremes', () => {
  const EXTREMES: Record<string, string> = {
    'depth 50': 'depth=50 width=4 batch=2 steps=3',
    'width 1': 'width=1 depth=6 batch=3 steps=3',
    'width 128': 'width=128 depth=2 batch=2 steps=2',
    'diverges at step 0': 'init=normal std=1e308 gain=10 depth=3 width=4 batch=2',
    'diverges during training': 'act=linear lr=1e200 depth=3 width=4 batch=2 steps=10',
    'steps 0': 'steps=0 depth=3 width=8 batch=4',
    'depth 1, relu, every unit dead': 'act=relu w=-1 depth=1 width=3 batch=2 steps=2',
  };
  for (const [what, text] of Object.entries(EXTREMES)) {
    it(`${what} renders three pictures with alt text`, () => {
      const { report, images } = layersImages(params(text));
      expect(images.map((i) => i.name)).toEqual(['gradient.png', 'activations.png', 'training.png']);
      for (const img of images) {
        expect(pngSize(img.png)).toEqual({ width: img.width, height: img.height });
        expect(img.width).toBe(1200);
        expect(img.height).toBeGreaterThan(400);
        expect(img.height).toBeLessThan(2400);
        expect(img.alt).not.toMatch(/undefined|NaN%/);
      }
      if (what === 'diverges at step 0') {
        expect(report.run.diverged_at).toBe(0);
        expect(images[2]!.alt).toMatch(/No training steps to show/);
      }
      if (what === 'diverges during training') expect(images[2]!.alt).toMatch(/Diverged at step \d+/);
      if (what === 'depth 50') expect(report.histograms.map((h) => h.layer)).toEqual([1, 6, 12, 17, 23, 28, 34, 39, 45, 50]);
    });
  }
});
