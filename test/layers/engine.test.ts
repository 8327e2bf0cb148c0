import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activation, ACTIVATIONS, type Activation } from '../../src/engine/index.ts';
import {
  backwardNet,
  buildNet,
  forwardNet,
  layersParams,
  layersToJson,
  mulberry32,
  simulateLayers,
  type LayersParams,
} from '../../src/engine/layers/index.ts';

const close = (got: number, want: number, rel = 1e-12) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), 1e-300));

describe('the random stream', () => {
  it("gives the spec's check values for seed 751", () => {
    const r = mulberry32(751);
    expect([r.next(), r.next(), r.next(), r.next()]).toEqual([3667553524, 1789350463, 3614534790, 1120766447]);
    const s = mulberry32(751);
    const want = [-0.48661168170646868, -0.040372726974467935, -1.270374977474132];
    for (const w of want) close(s.normal(), w, 1e-15);
  });

  it('stays within unsigned 32 bits for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4294967295 }), (seed) => {
        const r = mulberry32(seed);
        for (let i = 0; i < 8; i++) {
          const v = r.next();
          expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
        }
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

/** The stream's normals in order, as the spec draws them. */
function normals(seed: number, count: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: count }, () => r.normal());
}

describe('a width-1 network by hand', () => {
  it('depth 2, batch 1, tanh, xavier: every number of step 0 and the first update', () => {
    const p = layersParams({ depth: 2, width: 1, batch: 1, act: 'tanh', steps: 1, lr: 0.1 });
    // Draw order: W1, W2, then X, then Y. Xavier with n = 1 is sqrt(1/1) * normal().
    const [w1, w2, x, yn] = normals(751, 4) as [number, number, number, number];
    const y = 0.5 * yn;
    const z1 = x * w1;
    const h1 = Math.tanh(z1);
    const z2 = h1 * w2;
    const h2 = Math.tanh(z2);
    const loss = (h2 - y) ** 2;
    const d2 = 2 * (h2 - y);
    const t = (z: number) => 1 - Math.tanh(z) ** 2;
    const dz2 = d2 * t(z2);
    const d1 = dz2 * w2;
    const dz1 = d1 * t(z1);
    const d0 = dz1 * w1;
    const run = simulateLayers(p);
    const s = run.step0;
    close(s.loss, loss, 1e-12);
    close(s.act_mean[0]!, h1, 1e-12);
    expect(s.act_std).toEqual([0, 0]);
    close(s.grad_norm_h[1]!, Math.abs(d2), 1e-12);
    close(s.grad_norm_h[0]!, Math.abs(d1), 1e-12);
    close(s.grad_norm_input, Math.abs(d0), 1e-12);
    close(s.grad_norm_w[1]!, Math.abs(dz2 * h1), 1e-12);
    close(s.grad_norm_w[0]!, Math.abs(dz1 * x), 1e-12);
    close(s.gain[1]!, Math.abs(d1 / d2), 1e-12);
    close(s.gain[0]!, Math.abs(d0 / d1), 1e-12);
    close(run.ratio_first_last!, Math.abs(d0 / d2), 1e-12);
    // One step of gradient descent, then the trajectory's second loss is the new forward pass.
    expect(run.trajectory.loss).toHaveLength(1);
    expect(run.trajectory.loss[0]).toBe(s.loss);
    const two = simulateLayers({ ...p, steps: 2 });
    const W1 = w1 - 0.1 * dz1 * x;
    const c1 = -0.1 * dz1;
    const W2 = w2 - 0.1 * dz2 * h1;
    const c2 = -0.1 * dz2;
    const h2b = Math.tanh(Math.tanh(x * W1 + c1) * W2 + c2);
    close(two.trajectory.loss[1]!, (h2b - y) ** 2, 1e-12);
  });

  it('const init draws no weights: X is the stream\u2019s first normal', () => {
    const run = simulateLayers(layersParams({ depth: 1, width: 1, batch: 1, act: 'linear', init: 'const', w: 3, steps: 0 }));
    const [x, yn] = normals(751, 2) as [number, number];
    close(run.step0.loss, (3 * x - 0.5 * yn) ** 2, 1e-12);
    expect(run.trajectory.loss).toEqual([]);
  });
});

describe('a width-2 network by hand', () => {
  it('depth 2, batch 2, sigmoid, he with gain 1.5: losses, norms and gains', () => {
    const p = layersParams({ depth: 2, width: 2, batch: 2, act: 'sigmoid', init: 'he', gain: 1.5, steps: 0 });
    const v = normals(751, 8 + 4 + 4);
    const sc = 1.5 * Math.sqrt(2 / 2);
    const W = [
      [[sc * v[0]!, sc * v[1]!], [sc * v[2]!, sc * v[3]!]],
      [[sc * v[4]!, sc * v[5]!], [sc * v[6]!, sc * v[7]!]],
    ];
    const X = [[v[8]!, v[9]!], [v[10]!, v[11]!]];
    const Y = [[0.5 * v[12]!, 0.5 * v[13]!], [0.5 * v[14]!, 0.5 * v[15]!]];
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const dsig = (z: number) => sig(z) * (1 - sig(z));
    // Layer by layer, every entry written out.
    const layer = (H: number[][], Wk: number[][]) => H.map((h) => [h[0]! * Wk[0]![0]! + h[1]! * Wk[0]![1]!, h[0]! * Wk[1]![0]! + h[1]! * Wk[1]![1]!]);
    const Z1 = layer(X, W[0]!);
    const H1 = Z1.map((r) => r.map(sig));
    const Z2 = layer(H1, W[1]!);
    const H2 = Z2.map((r) => r.map(sig));
    const loss = (1 / 4) * [0, 1].flatMap((b) => [0, 1].map((i) => (H2[b]![i]! - Y[b]![i]!) ** 2)).reduce((a, c) => a + c, 0);
    const D2 = [0, 1].map((b) => [0, 1].map((i) => (2 * (H2[b]![i]! - Y[b]![i]!)) / 4));
    const DZ2 = D2.map((r, b) => r.map((d, i) => d * dsig(Z2[b]![i]!)));
    const back = (DZ: number[][], Wk: number[][]) => DZ.map((dz) => [dz[0]! * Wk[0]![0]! + dz[1]! * Wk[1]![0]!, dz[0]! * Wk[0]![1]! + dz[1]! * Wk[1]![1]!]);
    const D1 = back(DZ2, W[1]!);
    const DZ1 = D1.map((r, b) => r.map((d, i) => d * dsig(Z1[b]![i]!)));
    const D0 = back(DZ1, W[0]!);
    const GW2 = [0, 1].map((i) => [0, 1].map((j) => DZ2[0]![i]! * H1[0]![j]! + DZ2[1]![i]! * H1[1]![j]!));
    const norm = (m: number[][]) => Math.sqrt(m.flat().reduce((a, c) => a + c * c, 0));
    const run = simulateLayers(p);
    const s = run.step0;
    close(s.loss, loss, 1e-12);
    close(s.grad_norm_h[1]!, norm(D2), 1e-12);
    close(s.grad_norm_h[0]!, norm(D1), 1e-12);
    close(s.grad_norm_input, norm(D0), 1e-12);
    close(s.grad_norm_w[1]!, norm(GW2), 1e-12);
    close(s.gain[1]!, norm(D1) / norm(D2), 1e-12);
    close(s.gain[0]!, norm(D0) / norm(D1), 1e-12);
    const mean1 = H1.flat().reduce((a, c) => a + c, 0) / 4;
    close(s.act_mean[0]!, mean1, 1e-12);
    close(s.act_std[0]!, Math.sqrt(H1.flat().reduce((a, c) => a + (c - mean1) ** 2, 0) / 4), 1e-12);
    const sat = Z1.flat().filter((z) => dsig(z) < 0.025).length / 4;
    expect(s.saturated[0]).toBe(sat);
  });
});

/** The loss of a net after nudging one parameter (forwardNet only; the net is restored). */
function nudged(net: ReturnType<typeof buildNet>, arr: Float64Array, i: number, h: number): number {
  const old = arr[i]!;
  arr[i] = old + h;
  const plus = forwardNet(net);
  arr[i] = old - h;
  const minus = forwardNet(net);
  arr[i] = old;
  return (plus - minus) / (2 * h);
}

describe('backprop against finite differences', () => {
  const smooth = ACTIVATIONS.filter((a) => a !== 'relu');
  it.each(smooth)('%s: every GW and Gc entry of small random networks', (act) => {
    fc.assert(
      fc.property(
        fc.record({ depth: fc.integer({ min: 1, max: 3 }), width: fc.integer({ min: 1, max: 3 }), batch: fc.integer({ min: 1, max: 3 }), seed: fc.nat(), gain: fc.double({ min: 0.3, max: 2, noNaN: true }) }),
        (o) => {
          const p: LayersParams = layersParams({ ...o, act: act as Activation, steps: 0 });
          const net = buildNet(p);
          forwardNet(net);
          backwardNet(net);
          const GW = net.GW.map((g) => Float64Array.from(g));
          const Gc = net.Gc.map((g) => Float64Array.from(g));
          for (let k = 0; k < p.depth; k++) {
            for (let i = 0; i < GW[k]!.length; i++) {
              const num = nudged(net, net.W[k]!, i, 1e-6);
              expect(Math.abs(GW[k]![i]! - num)).toBeLessThanOrEqual(1e-7 + 1e-5 * Math.abs(num));
            }
            for (let i = 0; i < Gc[k]!.length; i++) {
              const num = nudged(net, net.c[k]!, i, 1e-6);
              expect(Math.abs(Gc[k]![i]! - num)).toBeLessThanOrEqual(1e-7 + 1e-5 * Math.abs(num));
            }
          }
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it('the gain of each layer is norm(D_{k-1}) / norm(D_k), and their product the ratio', () => {
    for (const act of ACTIVATIONS) {
      const run = simulateLayers(layersParams({ act, depth: 6, width: 8, batch: 4, steps: 0 }));
      const s = run.step0;
      for (let k = 1; k < 6; k++) close(s.gain[k]!, s.grad_norm_h[k - 1]! / s.grad_norm_h[k]!, 1e-14);
      close(s.gain[0]!, s.grad_norm_input / s.grad_norm_h[0]!, 1e-14);
      close(s.gain.reduce((a, g) => a * g, 1), run.ratio_first_last!, 1e-12);
    }
  });
});

describe('the zero-gain rule, diverged_at and the verdict', () => {
  it('gain is 0 (not NaN) where no gradient reaches a layer, and the ratio 0 is vanishing', () => {
    const run = simulateLayers(layersParams({ act: 'linear', init: 'const', w: 0, depth: 3, width: 4, batch: 2, steps: 0 }));
    expect(run.step0.grad_norm_h[2]).toBeGreaterThan(0);
    expect(run.step0.grad_norm_h.slice(0, 2)).toEqual([0, 0]);
    expect(run.step0.gain).toEqual([0, 0, 0]);
    expect(run.ratio_first_last).toBe(0);
    expect(run.verdict).toBe('vanishing');
  });

  it("the lecture's sigmoid with every weight 500 passes back exactly nothing", () => {
    const run = simulateLayers(layersParams({ act: 'sigmoid', init: 'const', w: 500 }));
    expect(run.ratio_first_last).toBe(0);
    expect(run.step0.grad_norm_input).toBe(0);
    expect(run.step0.saturated[run.params.depth - 1]).toBe(1);
    expect(run.verdict).toBe('vanishing');
  });

  it('a huge learning rate diverges; the loop stops where engine.md says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 300 }), fc.integer({ min: 1, max: 12 }), (e, steps) => {
        const run = simulateLayers(layersParams({ act: 'linear', depth: 3, width: 4, batch: 3, lr: 10 ** e, steps }));
        const t = run.trajectory.loss;
        expect(run.trajectory.grad_norm_w).toHaveLength(t.length);
        if (run.diverged_at === null) {
          expect(t).toHaveLength(steps);
          expect(t.every(Number.isFinite)).toBe(true);
        } else {
          expect(run.verdict).toBe('diverged');
          // Either the loss of step diverged_at was non-finite, or the parameters were at its start.
          const lossBroke = t.length === run.diverged_at + 1 && !Number.isFinite(t[run.diverged_at]!);
          expect(lossBroke || t.length === run.diverged_at).toBe(true);
          expect(t.slice(0, run.diverged_at).every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 40, seed: 5 },
    );
    const run = simulateLayers(layersParams({ act: 'linear', depth: 3, width: 4, batch: 3, lr: 1e300, steps: 10 }));
    expect(run.diverged_at).not.toBeNull();
  });

  it('weights that overflow at the start diverge at step 0 with step0 still measured', () => {
    const run = simulateLayers(layersParams({ init: 'normal', std: 1e308, gain: 10, depth: 2, width: 3, batch: 2 }));
    expect(run.diverged_at).toBe(0);
    expect(run.trajectory.loss).toEqual([]);
    expect(run.step0.act_mean).toHaveLength(2);
    expect(run.verdict).toBe('diverged');
  });

  it('steps = 0 measures step 0 and trains nothing', () => {
    const a = simulateLayers(layersParams({ steps: 0 }));
    const b = simulateLayers(layersParams({ steps: 3 }));
    expect(a.trajectory).toEqual({ loss: [], grad_norm_w: [] });
    expect(a.step0).toEqual(b.step0);
    expect(b.trajectory.loss[0]).toBe(b.step0.loss);
    expect(b.trajectory.grad_norm_w[0]).toEqual(b.step0.grad_norm_w);
  });

  it('clipping bounds the update: with clip the first step moves the parameters by at most lr * clip', () => {
    const p = layersParams({ init: 'normal', std: 1, act: 'linear', depth: 4, width: 8, batch: 4, lr: 1, clip: 0.5, steps: 2 });
    const net = buildNet(p);
    const W0 = net.W.map((w) => Float64Array.from(w));
    const c0 = net.c.map((c) => Float64Array.from(c));
    forwardNet(net);
    backwardNet(net);
    const full = Math.sqrt([...net.GW, ...net.Gc].reduce((a, g) => a + g.reduce((s, v) => s + v * v, 0), 0));
    expect(full).toBeGreaterThan(0.5);
    // Recreate the run's first update from the engine's own loop: the second loss equals the clipped step's forward pass.
    const scale = 0.5 / full;
    for (let k = 0; k < p.depth; k++) {
      for (let i = 0; i < W0[k]!.length; i++) net.W[k]![i] = W0[k]![i]! - 1 * (net.GW[k]![i]! * scale);
      for (let i = 0; i < c0[k]!.length; i++) net.c[k]![i] = c0[k]![i]! - 1 * (net.Gc[k]![i]! * scale);
    }
    const run = simulateLayers(p);
    expect(run.trajectory.loss[1]).toBe(forwardNet(net));
  });
});

describe("the spec's presets and JSON", () => {
  const verdicts: [Partial<LayersParams>, string][] = [
    [{ act: 'tanh', init: 'normal', std: 0.01 }, 'vanishing'],
    [{ act: 'tanh', init: 'normal', std: 1 }, 'exploding'],
    [{ act: 'relu', init: 'he', depth: 20 }, 'healthy'],
    [{ act: 'sigmoid', init: 'const', w: 500 }, 'vanishing'],
  ];
  it.each(verdicts)('%o is %s', (o, want) => {
    expect(simulateLayers(layersParams(o)).verdict).toBe(want);
  });

  it("init=normal std=0.01 shrinks the backpropagated signal about 10^11-fold (the spec's example)", () => {
    const r = simulateLayers(layersParams({ init: 'normal', std: 0.01 })).ratio_first_last!;
    expect(Math.log10(r)).toBeGreaterThan(-12);
    expect(Math.log10(r)).toBeLessThan(-10);
  });

  it('the JSON has exactly the spec\u2019s keys in order, std and w null where unused', () => {
    const j = layersToJson(simulateLayers(layersParams({ depth: 3, width: 4, batch: 2, steps: 2 })));
    expect(Object.keys(j)).toEqual(['params', 'step0', 'trajectory', 'ratio_first_last', 'verdict', 'diverged_at']);
    expect(Object.keys(j.params)).toEqual(['depth', 'width', 'act', 'init', 'std', 'w', 'gain', 'batch', 'seed', 'lr', 'steps', 'clip']);
    expect(j.params).toMatchObject({ init: 'xavier', std: null, w: null, clip: null });
    expect(Object.keys(j.step0)).toEqual(['loss', 'act_mean', 'act_std', 'saturated', 'grad_norm_w', 'grad_norm_h', 'gain', 'grad_norm_input']);
    expect(Object.keys(j.trajectory)).toEqual(['loss', 'grad_norm_w']);
    expect(j.trajectory.grad_norm_w).toHaveLength(2);
    expect(j.trajectory.grad_norm_w[0]).toHaveLength(3);
  });

  it('saturation follows the spec: phi\u2032 below a tenth of its peak, z <= 0 for relu, never for linear', () => {
    for (const act of ACTIVATIONS) {
      const p = layersParams({ act, init: 'normal', std: 2, depth: 2, width: 5, batch: 3, steps: 0 });
      const net = buildNet(p);
      forwardNet(net);
      const fns = activation[act];
      const Z = net.Z[2]!;
      const want = act === 'linear' ? 0 : Array.from(Z).filter((z) => (act === 'relu' ? z <= 0 : fns.dphi(z) < 0.1 * fns.peak)).length / Z.length;
      expect(simulateLayers(p).step0.saturated[1]).toBe(want);
    }
  });
});

describe('the fast loops against the spec written plainly', () => {
  /** Forward and backward as layers.md writes the sums, one term at a time from index 0: no unrolling, no fusing. */
  function plain(p: LayersParams): { loss: number; GW: Float64Array[]; Gc: Float64Array[]; dNormSq: number[] } {
    const net = buildNet(p);
    const { L, n, B } = net;
    const { phi, dphi } = activation[p.act];
    for (let k = 1; k <= L; k++) {
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += net.H[k - 1]![b * n + j]! * net.W[k - 1]![i * n + j]!;
          net.Z[k]![b * n + i] = s + net.c[k - 1]![i]!;
          net.H[k]![b * n + i] = phi(net.Z[k]![b * n + i]!);
        }
      }
    }
    let loss = 0;
    for (let i = 0; i < B * n; i++) loss += (net.H[L]![i]! - net.Y[i]!) ** 2;
    loss *= 1 / (B * n);
    let D = Array.from({ length: B * n }, (_, i) => (2 * (net.H[L]![i]! - net.Y[i]!)) / (B * n));
    const dNormSq: number[] = [];
    dNormSq[L] = D.reduce((s, d) => s + d * d, 0);
    const GW: Float64Array[] = [];
    const Gc: Float64Array[] = [];
    for (let k = L; k >= 1; k--) {
      const DZ = D.map((d, i) => d * dphi(net.Z[k]![i]!));
      const G = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += DZ[b * n + i]! * net.H[k - 1]![b * n + j]!;
        G[i * n + j] = s;
      }
      GW[k - 1] = G;
      Gc[k - 1] = Float64Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let b = 0; b < B; b++) s += DZ[b * n + i]!;
        return s;
      });
      const prev = new Array<number>(B * n).fill(0);
      for (let b = 0; b < B; b++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += DZ[b * n + i]! * net.W[k - 1]![i * n + j]!;
        prev[b * n + j] = s;
      }
      D = prev;
      dNormSq[k - 1] = D.reduce((s, d) => s + d * d, 0);
    }
    return { loss, GW, Gc, dNormSq };
  }

  // The loops take samples in pairs and units in pairs or fours: widths and batches that leave each remainder.
  it.each([
    [6, 'tanh', 4],
    [9, 'sigmoid', 3],
    [12, 'relu', 5],
    [5, 'linear', 2],
    [7, 'tanh', 1],
    [1, 'sigmoid', 3],
  ] as const)('width %i (%s), batch %i: the same loss, GW, Gc and norms to the last bit', (width, act, batch) => {
    const p = layersParams({ width, depth: 3, batch, act, seed: 20 + width });
    const want = plain(p);
    const net = buildNet(p);
    const loss = forwardNet(net);
    backwardNet(net);
    expect(Object.is(loss, want.loss)).toBe(true);
    net.GW.forEach((g, k) => expect(Array.from(g)).toEqual(Array.from(want.GW[k]!)));
    net.Gc.forEach((g, k) => expect(Array.from(g)).toEqual(Array.from(want.Gc[k]!)));
    expect(Array.from(net.dNormSq)).toEqual(want.dNormSq);
  });
});
