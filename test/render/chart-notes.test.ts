import { describe, expect, it } from 'vitest';
import { lectureSpec, simulate, unitGainStart, type RunSpec } from '../../src/engine/index.ts';
import { chartAlt, chartConfig } from '../../src/render/chart.ts';
import { stepZeroSignal } from '../../src/render/signal.ts';
import { symlogFor } from '../../src/render/symlog.ts';

const both = (spec: RunSpec) => ({ run: simulate(spec), baseline: simulate(unitGainStart(spec)) });

describe('the chart tells what the run did', () => {
  it('the lecture run: the step-0 explosion, then saturated and frozen from step 1, beside the unit-gain start', () => {
    const { run, baseline } = both(lectureSpec());
    const alt = chartAlt(run, baseline);
    expect(alt).toContain('exploding, then saturated');
    expect(alt).toContain('multiplies the gradient by 15,625');
    expect(alt).toContain('from step 1');
    expect(alt).toContain('unit-gain start (w=4)');
    const ids = new Set(chartConfig(run, baseline).data.datasets.map((d) => d.yAxisID));
    expect([...ids].sort()).toEqual(['grad', 'loss', 'w', 'z']);
  });

  it('says when there is no other run to draw, and when the dashed run is no healthier', () => {
    const same = both(lectureSpec({ w: 4, b: 0 }));
    expect(chartAlt(same.run, same.baseline)).toContain('No dashed run: this run already has the unit-gain weights.');
    expect(chartConfig(same.run, same.baseline).data.datasets.some((d) => String(d.label).startsWith('unit-gain'))).toBe(false);
    const dead = both(lectureSpec({ act: 'relu', x: -1 }));
    expect(chartAlt(dead.run, dead.baseline)).toContain('itself dead');
  });

  it('the step-0 backward signal: 1 -> 125 -> 15,625 against 1 -> 1 -> 1', () => {
    const { run, baseline } = both(lectureSpec());
    expect(stepZeroSignal(run).reverse()).toEqual([1, 125, 15_625]);
    expect(stepZeroSignal(baseline)).toEqual([1, 1, 1]);
  });
});

describe('every log panel has at least two labelled ticks', () => {
  const cases: number[][] = [[2.4e-5, 2.4e-5, 2.4e-5], [0, 2.4e-5], [0, 1, 1.5e16], [0.25, 0.18], [0], [3906.25, 0, 0.25], [-1.2e12, 500, 0], [1e-300, 1e-299]];
  for (const values of cases) {
    it(`[${values.join(', ')}]`, () => {
      const s = symlogFor(values, 4, values.every((v) => v >= 0), [values[values.length - 1]!]);
      const labelled = s.ticks.filter((t) => s.label(t) !== '');
      expect(labelled.length).toBeGreaterThanOrEqual(2);
      // A plateau at a non-zero value is never read as 0: some non-zero tick is within a decade of it.
      const last = Math.abs(values[values.length - 1]!);
      if (last > 0) expect(s.ticks.some((t) => t !== 0 && Math.abs(Math.abs(t) - Math.abs(s.to(last))) <= Math.max(1, s.to(10 * s.c) - s.to(s.c)))).toBe(true);
    });
  }
});
