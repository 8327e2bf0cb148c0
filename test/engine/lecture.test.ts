import { describe, expect, it } from 'vitest';
import { activation, lectureSpec, simulate, workedExample, LECTURE_EXAMPLE } from '../../src/engine/index.ts';

describe('the lecture in numbers', () => {
  it('the worked example gives 93,750,000 and -937,000', () => {
    const ex = workedExample(LECTURE_EXAMPLE.factors, LECTURE_EXAMPLE.w, LECTURE_EXAMPLE.lr);
    expect(ex.product).toBe(93_750_000);
    expect(ex.w_new).toBe(-937_000);
  });

  it('w=500 with centred sigmoid gives dO21/dO11 = 0.25 * 500 = 125 exactly', () => {
    const run = simulate(lectureSpec());
    const link = run.step0.factors.find((f) => f.label === 'do2/do1');
    expect(link?.value).toBe(125);
    expect(link?.bound).toBe(125);
    expect(run.step0.z).toEqual([0, 0, 0]);
    expect(run.params.b).toEqual([-500, -250, -250]);
  });

  it("sigma'(500) is about 7.1e-218, not 0", () => {
    const d = activation.sigmoid.dphi(500);
    expect(d).toBeGreaterThan(0);
    expect(d / 7.12457640674e-218).toBeCloseTo(1, 9);
    // The textbook form sigma*(1-sigma) would hide it:
    const s = activation.sigmoid.phi(500);
    expect(s * (1 - s)).toBe(0);
  });

  it('a saturated chain shows the tiny factors in its breakdown', () => {
    const run = simulate(lectureSpec({ b: 0, y: 0 }));
    const input = run.step0.factors.at(-1)!;
    expect(input.label).toBe('do1/dw1');
    expect(input.dphi).toBeGreaterThan(0);
    expect(input.dphi!).toBeLessThan(1e-200);
  });

  it('the factors multiply to backprop\u2019s g_w1 and the update is trajectory.w[1][0]', () => {
    const run = simulate(lectureSpec());
    const product = run.step0.factors.reduce((a, f) => a * f.value, 1);
    expect(product).toBe(run.step0.grad_w1);
    expect(run.step0.grad_w1).toBe(-3906.25);
    expect(run.trajectory.w[1]![0]).toBe(500 - 0.01 * -3906.25);
  });

  it('peaks of phi\' are the lecture bounds', () => {
    expect(activation.sigmoid.dphi(0)).toBe(0.25);
    expect(activation.tanh.dphi(0)).toBe(1);
    expect(activation.relu.dphi(1e-9)).toBe(1);
    expect(activation.relu.dphi(0)).toBe(0);
    expect(activation.linear.dphi(-7)).toBe(1);
  });
});
