import { describe, expect, it } from 'vitest';
import { lectureSpec, simulate, verdictOf } from '../../src/engine/index.ts';

describe('divergence', () => {
  it('act=linear w=500 lr=0.01 diverges at step 2, as the spec\u2019s loop implies', () => {
    const run = simulate(lectureSpec({ act: 'linear' }));
    // Step 0: yhat = 500^3 = 1.25e8, finite loss; the update sends w to about -6e11.
    // Step 1: yhat about -1e35, loss about 2e71, still finite; the update overflows nothing yet
    // but the weights reach about 1e47, so step 2's yhat^2 overflows: loss = Infinity.
    expect(run.trajectory.loss[0]).toBe((125_000_000 - 1) ** 2);
    expect(Number.isFinite(run.trajectory.loss[1])).toBe(true);
    expect(run.trajectory.loss[2]).toBe(Infinity);
    expect(run.diverged_at).toBe(2);
    expect(run.trajectory.w).toHaveLength(3);
    expect(run.trajectory.loss).toHaveLength(3);
    expect(verdictOf(run).kind).toBe('diverged');
  });

  it('the first update matches the hand calculation for a linear chain', () => {
    const run = simulate(lectureSpec({ act: 'linear' }));
    const d = 2 * (500 ** 3 - 1);
    expect(run.trajectory.w[1]![0]).toBeCloseTo(500 - 0.01 * d * 500 * 500, -2);
    expect(run.trajectory.w[1]![2]).toBeCloseTo(500 - 0.01 * d * 500 * 500, -2);
  });

  it('clip=1 prevents it', () => {
    const run = simulate(lectureSpec({ act: 'linear', clip: 1 }));
    expect(run.diverged_at).toBeNull();
    expect(run.trajectory.w).toHaveLength(31);
    expect(run.trajectory.w.flat().every(Number.isFinite)).toBe(true);
    // Each step moves the parameters by at most lr * clip in L2 norm.
    for (let t = 1; t < run.trajectory.w.length; t++) {
      const dw = run.trajectory.w[t]!.map((v, k) => v - run.trajectory.w[t - 1]![k]!);
      const db = run.trajectory.b[t]!.map((v, k) => v - run.trajectory.b[t - 1]![k]!);
      const norm = Math.hypot(...dw, ...db);
      expect(norm).toBeLessThanOrEqual(0.01 * 1 * (1 + 1e-9));
    }
  });

  it('a non-finite start diverges at step 0 and still reports step 0', () => {
    const run = simulate(lectureSpec({ act: 'linear', w: 1e200, depth: 2 }));
    expect(run.diverged_at).toBe(0);
    expect(run.trajectory.w).toHaveLength(1);
    expect(run.trajectory.loss).toEqual([Infinity]);
    expect(run.step0.loss).toBe(Infinity);
  });

  it('records steps + 1 rows and steps losses when nothing diverges', () => {
    const run = simulate(lectureSpec({ w: 1, steps: 7 }));
    expect(run.diverged_at).toBeNull();
    expect(run.trajectory.w).toHaveLength(8);
    expect(run.trajectory.b).toHaveLength(8);
    expect(run.trajectory.loss).toHaveLength(7);
  });
});

describe('verdicts', () => {
  it('names the lecture example exploding, a saturated start saturated, a gain-1 chain healthy', () => {
    expect(verdictOf(simulate(lectureSpec())).kind).toBe('exploding');
    const sat = verdictOf(simulate(lectureSpec({ b: 0.3, y: 0 })));
    expect(sat.kind).toBe('saturated');
    expect(sat.flatLayers).toEqual([1, 2, 3]);
    expect(verdictOf(simulate(lectureSpec({ w: 4 }))).kind).toBe('healthy');
    expect(verdictOf(simulate(lectureSpec({ w: 1, depth: 6 }))).kind).toBe('vanishing');
  });

  it('a dead ReLU is saturated', () => {
    const v = verdictOf(simulate(lectureSpec({ act: 'relu', w: 1, wLayers: { 2: -1 }, y: 0.5 })));
    expect(v.flatLayers).toContain(2);
  });
});

describe('verdicts on tiny weights', () => {
  it('w=1e-300 is vanishing, not exploding, although its weights grow by orders of magnitude', () => {
    const run = simulate(lectureSpec({ w: 1e-300 }));
    const v = verdictOf(run);
    expect(v.growth).toBeGreaterThan(10);
    expect(v.kind).toBe('vanishing');
  });
});
