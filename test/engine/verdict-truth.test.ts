import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activation, simulate, verdictOf, type RunResult } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { verdictLine, verdictSentences } from '../../src/format/verdict.ts';
import { engineNumbers, flat, linkGain, runSpec, sameRows, statedNumbers } from './truth.ts';

/** Layers named in "layer 2", "layers 1–3", "layers 1, 3 and 5" (a "n more" tail is not a layer). */
function namedLayers(s: string): number[] {
  const m = /layers? ([\d, –]+(?: and \d+)?)/.exec(s);
  if (!m) return [];
  const range = /^(\d+)–(\d+)$/.exec(m[1]!.trim());
  if (range) {
    const out: number[] = [];
    for (let k = Number(range[1]); k <= Number(range[2]); k++) out.push(k);
    return out;
  }
  return m[1]!.split(/,| and /).map((x) => Number(x.trim())).filter((x) => Number.isInteger(x) && x > 0);
}

/** The gradient's global norm at step t, as the engine's clipping computes it (a sum of squares may overflow to ∞). */
function norm(run: RunResult, t: number): number {
  let sq = 0;
  for (const g of [...run.trajectory.grad_w[t]!, ...run.trajectory.grad_b[t]!]) sq += g * g;
  return Math.sqrt(sq);
}

/** Checks each sentence the verdict picks against the run's own numbers; returns what failed. */
function falseClaims(run: RunResult): string[] {
  const v = verdictOf(run);
  const p = run.params;
  const t = run.trajectory;
  const f = activation[p.act];
  const bad: string[] = [];
  const claim = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };
  const gain0 = linkGain(run, 0);
  for (const s of verdictSentences(run, v)) {
    if (s.startsWith('Exploding at step 0')) {
      claim(p.depth > 1 && gain0 >= 10, 'exploding needs a step-0 gain >= 10');
      claim(s.includes(`by ${fmt(gain0)}`), 'exploding states the engine gain');
      claim(!s.includes('x = 0 makes') || (p.x === 0 && run.step0.grad_w1 === 0), 'x = 0 story only for x = 0');
      if (p.x === 0 && run.step0.grad_w1 === 0) claim(s.includes('lands on b1'), 'x = 0: the gradient lands on b1');
    }
    if (s.startsWith('Vanishing at step 0')) claim(p.depth > 1 && gain0 <= 0.1, 'vanishing needs gain <= 0.1');
    if (s.startsWith('Steady at step 0')) claim(p.depth > 1 && gain0 > 0.1 && gain0 < 10, 'steady: gain between');
    if (s.startsWith('One layer')) claim(p.depth === 1, 'one layer');
    if (/gain 1\b/.test(s)) claim(false, 'no "gain 1" sentence');
    if (s.startsWith('Saturated at step 0')) {
      const ks = namedLayers(s);
      claim(ks.length > 0 && ks.every((k) => flat(p.act, run.step0.z[k - 1]!)), 'saturated at step 0: each named layer flat');
    }
    if (s.startsWith('Dead at step 0')) {
      const ks = namedLayers(s);
      claim(p.act === 'relu' && ks.length > 0 && ks.every((k) => run.step0.z[k - 1]! <= 0), 'dead: z <= 0 in each named layer');
      claim(run.step0.grad_w1 === 0, 'dead: no gradient reaches w1');
    }
    if (/almost no gradient/.test(s)) claim(false, 'no "almost no gradient" sentence');
    const from = /^(?:Then (?:saturated|dead): )?(?:from|From) step (\d+)/.exec(s) ?? /Nothing ever moves: from step (\d+)/.exec(s);
    if (from) {
      const at = Number(from[1]);
      // "for ever": the update at that step changed nothing, so every later step repeats it.
      claim(t.w[at + 1] !== undefined && sameRows(run, at, at + 1), 'frozen: nothing changes from that step');
      claim(t.loss.slice(at).every((l) => Object.is(l, t.loss[at])), 'frozen: the loss stays');
      claim(s.includes(`the loss stays at ${fmt(t.loss[at]!)}`), 'frozen: states the loss');
      if (s.includes('exactly 0')) claim([...t.grad_w[at]!, ...t.grad_b[at]!].every((g) => g === 0), 'gradient exactly 0');
      if (s.includes('too small to change')) claim([...t.grad_w[at]!, ...t.grad_b[at]!].some((g) => g !== 0), 'too small: not zero');
      if (/saturated:|dead:/.test(s)) {
        const ks = namedLayers(s);
        claim(ks.length > 0 && ks.every((k) => flat(p.act, t.z[at]![k - 1]!)), 'then saturated: each named layer flat at that step');
      }
    }
    if (s.includes("asymptote")) {
      claim((p.act === 'sigmoid' && (p.y === 0 || p.y === 1)) || (p.act === 'tanh' && Math.abs(p.y) === 1), 'asymptote: y is a limit of phi');
      claim(t.loss.some((l) => l === 0), 'asymptote: loss exactly 0');
    }
    if (s.startsWith('Then at step')) {
      claim(run.diverged_at !== null && s.includes(`step ${run.diverged_at}`), 'overflow at the step it happened');
    }
    if (s.startsWith('Overflow at step 0')) claim(run.diverged_at === 0, 'overflow at step 0');
    const over = /^Over (\d+) steps the loss went from (\S+(?: × 10\S+)?) to (\S+(?: × 10\S+)?)[;.]/.exec(s);
    if (over) {
      claim(Number(over[1]) === t.loss.length, 'steps counted');
      const finite = t.loss.filter(Number.isFinite);
      claim(over[2] === fmt(t.loss[0]!) && over[3] === fmt(finite[finite.length - 1]!), 'loss from/to');
    }
    if (/grew ×/.test(s)) {
      const w0 = Math.max(...t.w[0]!.map(Math.abs));
      const wm = Math.max(...t.w.flat().map(Math.abs));
      claim(wm >= 10 * w0 && wm >= 10, 'weights grew');
    }
    if (s.includes("out of") && s.includes('reach')) {
      const lo = p.act === 'sigmoid' || p.act === 'relu' ? 0 : p.act === 'tanh' ? -1 : -Infinity;
      const hi = p.act === 'sigmoid' || p.act === 'tanh' ? 1 : Infinity;
      claim(p.y < lo || p.y > hi, 'unreachable: y outside the range');
      claim(t.loss.every((l) => !(l < Math.min((p.y - lo) ** 2, (p.y - hi) ** 2) * (1 - 1e-12))), 'unreachable: no loss below the floor');
    }
    const clip = /^Clipping at \S+ scaled the gradient down at (?:every one of the (\d+)|(\d+) of (\d+)) steps/.exec(s);
    if (clip) {
      const c = p.clip!;
      const n = t.loss.filter((l, i) => Number.isFinite(l) && norm(run, i) > c).length;
      claim(Number(clip[1] ?? clip[2]) === n, 'clipped steps counted');
    }
    if (s.includes('never triggered')) claim(t.loss.every((l, i) => !Number.isFinite(l) || !(norm(run, i) > p.clip!)), 'clip never triggered');
    if (/bounded|keeps the updates|fixes/.test(s)) claim(false, 'clipping is not presented as a fix');
  }
  // The badge: each word is a claim too.
  const b = v.badge;
  if (b.startsWith('EXPLODING')) claim(p.depth > 1 && gain0 >= 10, 'badge EXPLODING');
  if (b.startsWith('VANISHING')) claim(p.depth > 1 && gain0 <= 0.1, 'badge VANISHING');
  if (b.includes('SATURATED')) claim(p.act !== 'relu' && t.z.some((row) => row.some((z) => flat(p.act, z))), 'badge SATURATED');
  if (b.includes('DEAD')) claim(p.act === 'relu' && t.z.some((row) => row.some((z) => z <= 0)), 'badge DEAD');
  if (b.includes('OVERFLOW')) claim(run.diverged_at !== null, 'badge OVERFLOW');
  if (b.includes('HEALTHY') || b.includes('LEARNING')) {
    claim(run.diverged_at === null && t.loss[t.loss.length - 1]! < t.loss[0]!, 'badge HEALTHY/LEARNING: the loss fell');
  }
  if (b.includes('HEALTHY')) {
    const lo = p.act === 'sigmoid' || p.act === 'relu' ? 0 : p.act === 'tanh' ? -1 : -Infinity;
    const hi = p.act === 'sigmoid' || p.act === 'tanh' ? 1 : Infinity;
    claim(p.y >= lo && p.y <= hi, 'never HEALTHY for an unreachable target');
    claim(!t.z.some((row) => row.some((z) => flat(p.act, z))), 'never HEALTHY with a saturated neuron');
  }
  // Every number stated is one of the engine's.
  const known = engineNumbers(run, verdictLine(run, v), [v.gain, v.growth, -1, 1, ...(v.target.kind === 'unreachable' ? [v.target.minLoss, v.target.nearest] : []), ...t.loss.map((_, i) => i)]);
  for (const n of statedNumbers(verdictLine(run, v))) claim(known.has(n), `the number ${n} is the engine's`);
  void f;
  return bad;
}

describe('every verdict sentence is true of its own run', () => {
  it('holds over thousands of generated runs', () => {
    fc.assert(
      fc.property(runSpec, (spec) => {
        const run = simulate(spec);
        const bad = falseClaims(run);
        if (bad.length > 0) throw new Error(`${bad.join('; ')}\n${verdictLine(run, verdictOf(run))}`);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('the six runs of the issue, in words', () => {
    const line = (s: Parameters<typeof simulate>[0]) => {
      const run = simulate(s);
      const v = verdictOf(run);
      expect(falseClaims(run)).toEqual([]);
      return { badge: v.badge, line: verdictLine(run, v) };
    };
    const base = { depth: 3, act: 'sigmoid' as const, x: 1, y: 1, lr: 0.01, steps: 30, clip: null, w: 500, b: null, wLayers: {}, bLayers: {} };
    const lecture = line(base);
    expect(lecture.badge).toBe('EXPLODING → SATURATED');
    expect(lecture.line).toContain('multiplies the gradient by 15,625');
    expect(lecture.line).toContain('from step 1');
    expect(lecture.line).toContain('the gradient is exactly 0');
    expect(lecture.line).toContain("y = 1 is σ's asymptote");

    const y09 = line({ ...base, y: 0.9 });
    expect(y09.badge).toBe('EXPLODING → SATURATED');
    expect(y09.line).toContain('the loss stays at 0.01 for ever');

    const relu = line({ ...base, act: 'relu' });
    expect(relu.badge).toBe('EXPLODING → DEAD');
    expect(relu.line).toContain('the loss stays at 1 for ever');

    const w4b0 = line({ ...base, w: 4, b: 0 });
    expect(w4b0.badge).toBe('VANISHING');

    const x0 = line({ ...base, x: 0 });
    expect(x0.line).toContain('lands on b1 (dloss/db1 = −3,906.25)');
    expect(x0.line).toContain('do1/dw1 = σ′(z1)·x = 0');

    const lin = line({ ...base, act: 'linear' });
    expect(lin.badge).toBe('EXPLODING → OVERFLOW');

    expect(line({ ...base, y: 5 }).line).toContain("y = 5 is out of σ's reach");
    expect(line({ ...base, act: 'tanh', y: -3 }).line).toContain("y = −3 is out of tanh's reach");
    expect(line({ ...base, depth: 1 }).line).toMatch(/^One layer, so no links to multiply/);
    const clipped = line({ ...base, act: 'relu', depth: 8, clip: 1 });
    expect(clipped.line).toContain('bounds the size of each step, not the chain');
    expect(clipped.line).toContain('to 1.5 × 10⁴³');
  });
});
