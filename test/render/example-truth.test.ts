import { describe, expect, it } from 'vitest';
import { activation, lectureSpec, simulate, workedExample } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { conclusion, readingOf, realRun } from '../../src/render/example.ts';

describe('the example card says what the numbers do, by the one rule', () => {
  it("the lecture's numbers: exploding, and the new weight makes a dead neuron, not a growing loss", () => {
    const ex = workedExample([150, 100, 125, 50], 500, 0.01);
    expect(readingOf(ex).outcome).toBe('exploding');
    const text = conclusion(ex);
    expect(text).not.toContain('only grows');
    expect(activation.sigmoid.dphi(-937_000)).toBe(0);
    expect(text).toContain('z11 = −937,000');
    expect(text).toContain('σ′(z11) is exactly 0 in double precision');
    expect(text).toContain('a dead neuron');
  });

  it('connects the invented factors to the real network: /explode w=500 gives 3,906.25, not 93,750,000', () => {
    const ex = workedExample([150, 100, 125, 50], 500, 0.01);
    const g = simulate(lectureSpec({ w: 500 })).step0.grad_w1;
    expect(g).toBe(-3906.25);
    expect(realRun(ex)).toContain(`gives dLoss/dw11 = ${fmt(g)}, not 93,750,000`);
    expect(realRun(ex)).toContain('|dLoss/dO31| = 2|ŷ − y| < 2 and dO11/dw11 = σ′·x ≤ 0.25|x|');
  });

  it('one rule for the badge: a product >= 10 explodes whatever w and lr are, <= 0.1 vanishes', () => {
    expect(readingOf(workedExample([150, 100, 125, 50], 1e9, 0.01)).outcome).toBe('exploding');
    expect(readingOf(workedExample([20, 10, 25, 5], 500, 0.001)).outcome).toBe('exploding');
    expect(readingOf(workedExample([0.5, 0.25, 0.25, 0.5], 1, 0.1)).outcome).toBe('tiny');
    expect(readingOf(workedExample([2, 1.5], 1, 0.1)).outcome).toBe('sane');
    expect(readingOf(workedExample([1e200, 1e200], 5, 0.1)).outcome).toBe('overflow');
    // 500 -> 475 is no fling far past sense: the card says how big the step is, and calls the product exploding.
    expect(conclusion(workedExample([20, 10, 25, 5], 500, 0.001))).toContain('an update of 25, 0.05 times the weight itself');
  });
});
