import fc from 'fast-check';
import { activation, lectureSpec, type Activation, type RunResult, type RunSpec } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';

/**
 * Helpers for the truth tests: a generator of runs a class could type, and
 * checks that re-derive each claim from the run's own trajectory with the
 * activation functions directly (not through src/engine/story.ts, whose
 * predicates pick the sentences), so a wrong predicate cannot vouch for itself.
 */

const signed = (lo: number, hi: number) =>
  fc.tuple(fc.boolean(), fc.double({ min: lo, max: hi, noNaN: true })).map(([neg, e]) => (neg ? -1 : 1) * 10 ** e);

const weight = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 4, 8, 20, 500, -500, 1e-300, 1e150, 1e308) },
  { weight: 4, arbitrary: signed(-3, 4) },
);

export const runSpec: fc.Arbitrary<RunSpec> = fc
  .record({
    act: fc.constantFrom<Activation>('sigmoid', 'tanh', 'relu', 'linear'),
    depth: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 9, max: 50 }) }),
    w: weight,
    w2: fc.option(weight, { freq: 4 }),
    b: fc.oneof(fc.constant(null), fc.constant<'centered'>('centered'), fc.constantFrom(0, 0.3, -2, 500), fc.double({ min: -5, max: 5, noNaN: true })),
    x: fc.oneof(fc.constantFrom(0, 1, -1, 0.5, 10), fc.double({ min: -5, max: 5, noNaN: true })),
    y: fc.oneof(fc.constantFrom(0, 1, 0.9, 5, -3, 0.5, -1), fc.double({ min: -6, max: 6, noNaN: true })),
    lr: fc.double({ min: -4, max: 0.5, noNaN: true }).map((e) => 10 ** e),
    steps: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(100, 300)),
    clip: fc.option(fc.double({ min: -2, max: 3, noNaN: true }).map((e) => 10 ** e), { freq: 3 }),
  })
  .map(({ w2, ...r }) => lectureSpec({ ...r, wLayers: w2 === null || r.depth < 2 ? {} : { 2: w2 } }));

/** φ'(z) < 1/1000 of its peak, computed here from the activation itself. */
export function flat(act: Activation, z: number): boolean {
  const f = activation[act];
  return f.dphi(z) < 1e-3 * f.peak;
}

/** The product of the step-t links |φ'(z_k)·w_k|, k = L..2. */
export function linkGain(run: RunResult, t: number): number {
  const f = activation[run.params.act];
  const z = t === 0 ? run.step0.z : run.trajectory.z[t]!;
  const w = run.trajectory.w[t] ?? run.params.w;
  let g = 1;
  for (let k = z.length; k >= 2; k--) g *= Math.abs(f.dphi(z[k - 1]!) * w[k - 1]!);
  return g;
}

export function sameRows(run: RunResult, t: number, u: number): boolean {
  const { w, b } = run.trajectory;
  return [w, b].every((rows) => rows[t]!.every((v, k) => Object.is(v, rows[u]![k])));
}

/**
 * The engine's numbers for this run, as fmt writes them (both styles): the
 * parameters, step 0, the rows of the steps a text names (plus the last
 * one), every loss and small counts. A number about step t must be one of step t's.
 */
export function engineNumbers(run: RunResult, text: string, extra: readonly number[] = []): Set<string> {
  const t = run.trajectory;
  const f = activation[run.params.act];
  const vals: number[] = [...extra, ...run.params.w, ...run.params.b, run.params.x, run.params.y, run.params.lr, run.params.steps, run.params.clip ?? 0];
  vals.push(run.step0.yhat, run.step0.loss, run.step0.grad_w1, ...run.step0.grads.w, ...run.step0.grads.b, ...run.step0.z, ...run.step0.z.map(f.dphi));
  for (const fa of run.step0.factors) vals.push(fa.value, fa.bound ?? 0);
  const steps = new Set([0, t.loss.length - 1, ...[...text.matchAll(/step (\d+)/g)].map((m) => Number(m[1]))]);
  for (const s of steps) {
    for (const rows of [t.w, t.b, t.z, t.grad_w, t.grad_b]) vals.push(...(rows[s] ?? []));
    vals.push(...(t.z[s] ?? []).map(f.dphi));
    if (t.z[s]) vals.push(linkGain(run, s));
  }
  vals.push(...t.loss);
  vals.push(linkGain(run, 0), f.peak, 10, 0.1, 1000, t.loss.length, run.params.depth);
  for (let i = 0; i <= Math.max(run.params.steps, run.params.depth) + 1; i++) vals.push(i);
  const out = new Set<string>();
  for (const v of vals) {
    out.add(fmt(v));
    out.add(fmt(v, 'ascii'));
  }
  return out;
}

/**
 * The numbers a sentence states: identifiers like z3, w1, do3/do2, b1 and
 * layer lists are names, not numbers, and are skipped.
 */
export function statedNumbers(text: string): string[] {
  const names = text
    .replace(/[A-Za-zσ′'_₀-₉]+\d+/g, ' ')
    .replace(/layers? [\d, –-]+(and \d+)?/g, ' ')
    .replace(/\d+\/\d+/g, ' ');
  const re = /−?-?\d[\d,]*(\.\d+)?( × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+| x 10\^-?\d+)?|−?∞/g;
  return [...names.matchAll(re)].map((m) => m[0].replace(/,$/, ''));
}
