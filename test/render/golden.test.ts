import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { LECTURE_EXAMPLE, simulate, unitGainStart, workedExample } from '../../src/engine/index.ts';
import { renderBreakdownPng, renderChartPng, renderExamplePng } from '../../src/render/index.ts';
import { spec } from './helpers.ts';

/**
 * Golden pictures: the rendering of a few fixed runs, compared pixel by pixel
 * (pixelmatch, threshold 0.1). At most 0.01% of the pixels may differ, room for
 * antialiasing noise from another cairo build; one comma removed from a heading
 * already changes 0.06%. They change only with `npm run golden:update`.
 */
const UPDATE = process.env.GOLDEN_UPDATE === '1';
const DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const MAX_DIFF_SHARE = 0.0001;
/** Where a failing comparison leaves its diff picture (ignored by git). */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/golden/', import.meta.url));

function run(text: string) {
  const s = spec(text);
  return { run: simulate(s), baseline: simulate(unitGainStart(s)) };
}

const cases: Record<string, () => Buffer> = {
  'lecture-breakdown': () => {
    const r = run('w=500 lr=0.01');
    return renderBreakdownPng(r.run, r.baseline);
  },
  'lecture-chart': () => {
    const r = run('w=500 lr=0.01');
    return renderChartPng(r.run, r.baseline);
  },
  'linear-chart': () => {
    const r = run('act=linear');
    return renderChartPng(r.run, r.baseline);
  },
  'relu-clip-breakdown': () => {
    const r = run('depth=8 act=relu clip=1');
    return renderBreakdownPng(r.run, r.baseline);
  },
  'saturated-breakdown': () => {
    const r = run('b=0.3');
    return renderBreakdownPng(r.run, r.baseline);
  },
  'lecture-example': () => renderExamplePng(workedExample(LECTURE_EXAMPLE.factors, LECTURE_EXAMPLE.w, LECTURE_EXAMPLE.lr)),
};

describe('golden images', () => {
  for (const [name, render] of Object.entries(cases)) {
    it(name, () => {
      const file = `${DIR}${name}.png`;
      const png = render();
      if (UPDATE) {
        mkdirSync(DIR, { recursive: true });
        writeFileSync(file, png);
        return;
      }
      expect(existsSync(file), `${file} is missing: run npm run golden:update and look at it`).toBe(true);
      const want = PNG.sync.read(readFileSync(file));
      const got = PNG.sync.read(png);
      expect({ width: got.width, height: got.height }).toEqual({ width: want.width, height: want.height });
      const diff = new PNG({ width: want.width, height: want.height });
      const differing = pixelmatch(want.data, got.data, diff.data, want.width, want.height, { threshold: 0.1 });
      if (differing / (want.width * want.height) > MAX_DIFF_SHARE) {
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(`${ARTIFACTS}${name}.png`, png);
        writeFileSync(`${ARTIFACTS}${name}.diff.png`, PNG.sync.write(diff));
      }
      expect(differing / (want.width * want.height)).toBeLessThanOrEqual(MAX_DIFF_SHARE);
    });
  }
});
