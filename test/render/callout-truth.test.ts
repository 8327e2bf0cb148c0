import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activation, simulate, unitGainStart, type RunResult } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { calloutsOf } from '../../src/render/callouts.ts';
import { chartFooter, chartMarker } from '../../src/render/chart.ts';
import { flat, runSpec, sameRows } from '../engine/truth.ts';

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const unsub = (s: string) => s.replace(/[₀-₉]/g, (c) => String(SUB.indexOf(c)));

/** Every callout, footer and marker claim, re-derived from the runs' own numbers. */
function falseClaims(run: RunResult, baseline: RunResult): string[] {
  const bad: string[] = [];
  const claim = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };
  const p = run.params;
  const f = activation[p.act];
  for (const c of calloutsOf(run)) {
    const body = unsub(c.body);
    switch (c.kind) {
      case 'saturated': {
        const m = /σ′\(z(\d+)\)|tanh′\(z(\d+)\)/.exec(body);
        const k = Number(m?.[1] ?? m?.[2]);
        claim(p.act !== 'relu' && p.act !== 'linear' && flat(p.act, run.step0.z[k - 1]!), 'saturated callout: the named layer is flat at step 0');
        claim(body.includes(`= ${fmt(f.dphi(run.step0.z[k - 1]!))} at z${k} = ${fmt(run.step0.z[k - 1]!)}`), "saturated callout: the engine's φ′ and z");
        claim(body.includes('an upper bound') && !body.includes('assumes'), 'the bound is an upper bound, not an assumption');
        break;
      }
      case 'dead': {
        const m = /z(\d+) = (\S+)/.exec(body);
        const k = Number(m?.[1]);
        claim(p.act === 'relu' && run.step0.z[k - 1]! <= 0, 'dead callout: z <= 0');
        break;
      }
      case 'overflow':
        claim(run.diverged_at !== null && c.title.endsWith(`step ${run.diverged_at}`), 'overflow callout at the step');
        break;
      case 'clipped':
        claim(p.clip !== null && run.step0.gradNorm > p.clip && body.includes(fmt(run.step0.clipScale)), 'clipped callout: the norm was over clip');
        break;
      case 'zero':
        claim(run.step0.grad_w1 === 0, 'zero callout: dloss/dw1 is exactly 0');
        if (c.title === 'Nothing to learn') claim(run.step0.yhat === p.y, 'nothing to learn: ŷ equals y');
        if (c.title.startsWith('The product underflowed')) claim(run.step0.factors.every((x) => x.value !== 0), 'underflow: every factor non-zero');
        break;
    }
  }
  const footer = chartFooter(run, baseline);
  claim(footer.includes('the step axis is linear'), 'footer: the step axis is linear');
  const shaded = /Shaded: \|z\| > ([\d.]+), where/.exec(footer);
  if (shaded) {
    const e = Number(shaded[1]);
    claim(!flat(p.act, e * 0.99) && flat(p.act, e * 1.01), 'footer: the shaded edge is where φ′ crosses the threshold');
  }
  if (footer.includes('already starts at the unit-gain weights')) claim(run.params.w.every((w, i) => w === baseline.params.w[i]) && run.params.b.every((b, i) => b === baseline.params.b[i]), 'footer: the same run');
  if (footer.includes('Dashed: the same run from a unit-gain start, every w')) {
    claim(baseline.params.w.every((w) => w === 1 / f.peak), 'unit-gain: every w = 1/φ′(0)');
  }
  const dead = /its ReLU in layer (\d+) is dead at step 0 too/.exec(footer);
  if (dead) claim(baseline.step0.z[Number(dead[1]) - 1]! <= 0, 'footer: the dashed run is dead there');
  if (footer.includes('it starts at loss 0')) claim(baseline.step0.loss === 0, 'footer: the dashed run starts at loss 0');
  if (footer.includes('its neurons are saturated at step 0 too')) claim(baseline.step0.z.some((z) => flat(p.act, z)), 'footer: the dashed run is saturated');
  const m = chartMarker(run);
  if (m?.kind === 'frozen') {
    const t = run.trajectory;
    claim(t.w[m.step + 1] !== undefined && sameRows(run, m.step, m.step + 1), 'marker: frozen from that step');
  }
  if (m?.kind === 'overflow') claim(run.diverged_at === m.step, 'marker: overflow at that step');
  return bad;
}

describe('every callout, chart footer and marker is true of its own run', () => {
  it('holds over generated runs', () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        const run = simulate(spec);
        const baseline = simulate(unitGainStart(spec));
        const bad = falseClaims(run, baseline);
        if (bad.length > 0) throw new Error(`${bad.join('; ')}\n${calloutsOf(run).map((c) => c.body).join('\n')}\n${chartFooter(run, baseline)}`);
      }),
      { numRuns: 1500, seed: 21 },
    );
  });

  it('the lecture run: no callout claims saturation at step 0, the footer names the unit-gain start', () => {
    const spec = { depth: 3, act: 'sigmoid' as const, x: 1, y: 1, lr: 0.01, steps: 30, clip: null, w: 500, b: null, wLayers: {}, bLayers: {} };
    const run = simulate(spec);
    expect(calloutsOf(run)).toEqual([]);
    expect(chartFooter(run, simulate(unitGainStart(spec)))).toContain('every w = 4 = 1/σ′(0), biases as in this run');
    expect(chartMarker(run)).toEqual({ kind: 'frozen', step: 1, text: 'frozen from step 1' });
  });
});
