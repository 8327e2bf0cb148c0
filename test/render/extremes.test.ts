import { describe, expect, it } from 'vitest';
import { simulate, workedExample } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { calloutsOf } from '../../src/render/callouts.ts';
import { exampleImage, explodeImages } from '../../src/render/images.ts';
import type { ReplyImage } from '../../src/reply.ts';
import { inkShare, isOpaque, PNG_SIGNATURE, spec } from './helpers.ts';

/** Numbers a person should never see: 1e+308, 17 digits, raw IEEE words. */
const MACHINE_NUMBER = /\de[+-]?\d|\d{8,}|Infinity|undefined|null/;

function checkImage(img: ReplyImage, name: string): void {
  expect(img.name).toBe(name);
  expect(img.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(img.width).toBe(1200);
  expect(img.height).toBeGreaterThan(600);
  expect(img.height).toBeLessThan(4000);
  expect(isOpaque(img.png)).toBe(true);
  // Not blank: text and lines cover a real share of the card.
  expect(inkShare(img.png)).toBeGreaterThan(0.02);
  // Sentences for screen readers that say what happened in the run, within Discord's 1,024 characters for a description.
  expect(img.alt).toMatch(/^[A-Z][^\n]*\.$/);
  expect(img.alt.length).toBeLessThan(1000);
  expect(img.alt).not.toMatch(MACHINE_NUMBER);
}

const EXTREMES: Record<string, string> = {
  'diverged at step 0': 'act=linear w=1e308',
  'NaN everywhere': 'act=linear x=1e308 w=1e308 w2=0',
  'depth 50': 'depth=50',
  'steps 1000': 'steps=1000',
  'depth 50 and steps 1000, tanh': 'depth=50 steps=1000 act=tanh w=1.5',
  'all zeros': 'w=0 b=0 x=0 y=0 act=linear',
  'w = 1e-300': 'w=1e-300',
  'saturated, sigma\' = 5.3e-218': 'b=0.3',
  'dead ReLUs': 'act=relu depth=4 w=2 w3=-1',
  'negative weights that flip sign': 'act=tanh w=-3 lr=5 depth=5',
};

describe('every extreme renders, legibly', () => {
  for (const [name, text] of Object.entries(EXTREMES)) {
    it(name, () => {
      const s = spec(text);
      const { breakdown, chart } = explodeImages(s);
      checkImage(breakdown, 'breakdown.png');
      checkImage(chart, 'chart.png');
      expect(breakdown.alt).toContain(`depth ${s.depth}`);
    });
  }

  it('the examples at their limits: twelve factors, an overflowing product, a zero', () => {
    for (const [factors, w, lr] of [
      [[1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12], 3, 0.1],
      [[1e200, 1e200], 5, 0.1],
      [[0], 0, 1],
      [[1e-300, 1e-300], 1, 0.01],
    ] as const) {
      checkImage(exampleImage(workedExample(factors, w, lr)), 'example.png');
    }
  });
});

describe('what the pictures say', () => {
  it('the saturated run names the tiny sigma\' it hides, with its exponent as a superscript', () => {
    const run = simulate(spec('b=0.3'));
    const { breakdown } = explodeImages(spec('b=0.3'));
    expect(breakdown.alt).toMatch(/saturated neurons in layers 1–3/);
    const saturated = calloutsOf(run).find((c) => c.kind === 'saturated');
    expect(saturated?.body).toContain(`σ′(z₁) = ${fmt(run.step0.factors[3]!.dphi!)}`);
    expect(saturated?.body).toContain('× 10⁻²¹⁸');
  });

  it('the diverged chart names the step it overflowed at', () => {
    const run = simulate(spec('act=linear'));
    const { chart } = explodeImages(spec('act=linear'));
    expect(chart.alt).toContain(`Then at step ${run.diverged_at} the loss overflowed to ∞`);
  });
});
