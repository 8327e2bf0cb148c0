import { describe, expect, it } from 'vitest';
import { healthyBaseline, lectureSpec, simulate } from '../../src/engine/index.ts';
import { chartAlt, frozenFrom } from '../../src/render/chart.ts';

describe('the chart explains a loss that drops to exactly 0', () => {
  it("finds the step from which the lecture's run stands still (sigmoid saturates, ŷ rounds to y = 1)", () => {
    const spec = lectureSpec();
    const run = simulate(spec);
    expect(frozenFrom(run)).toBe(1);
    const { loss, w } = run.trajectory;
    expect(loss[0]).toBeGreaterThan(0);
    expect(loss.slice(1).every((l) => l === 0)).toBe(true);
    expect(new Set(w.slice(1).map((row) => row.join()))).toHaveProperty('size', 1);
    expect(chartAlt(run, simulate(healthyBaseline(spec)))).toContain('exactly 0 from step 1 on, where every gradient is 0 and the weights stop moving');
  });

  it('says nothing for runs that keep learning, diverge, or start at 0', () => {
    for (const spec of [lectureSpec({ w: 1 }), lectureSpec({ act: 'linear' }), lectureSpec({ w: 0, b: 0, x: 0, y: 0, act: 'linear' })]) {
      const run = simulate(spec);
      expect(frozenFrom(run), JSON.stringify(spec)).toBeNull();
      expect(chartAlt(run, simulate(healthyBaseline(spec)))).not.toContain('stop moving');
    }
  });
});
