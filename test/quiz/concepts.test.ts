import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lectureSpec, simulate, type RunSpec } from '../../src/engine/index.ts';
import { makeQuestion } from '../../src/quiz/generate.ts';
import { TOPICS, type Question } from '../../src/quiz/types.ts';
import { expectNumbersFrom, expectWellFormed, num, pct } from './explained.ts';

/**
 * The concept bank, re-derived here from first principles (and from the
 * engine for questions about a run): the marked answer is the one right
 * value, every wrong choice is wrong, every number in the explanation is one
 * derived here, and every word about saturation, death or rescue matches the
 * numbers.
 */

const SEEDS = Array.from({ length: 120 }, (_, i) => i * 7919 + 3);
const sigma = (z: number) => 1 / (1 + Math.exp(-z));
/** σ' in the spec's exact form, written out again here. */
const dsigma = (z: number) => Math.exp(-Math.abs(z)) / (1 + Math.exp(-Math.abs(z))) ** 2;
const dtanh = (z: number) => (4 * Math.exp(-2 * Math.abs(z))) / (1 + Math.exp(-2 * Math.abs(z))) ** 2;
const SATURATED = 1e-3;
const parse = (s: string) => Number(s.replace(/−/g, '-').replace(/,/g, ''));

interface Derived {
  /** The right answer as shown. */
  right: string;
  /** Every value the explanation may name (besides the question's own numbers). */
  values: (number | string)[];
  /** Extra checks of the words against the numbers. */
  check?: () => void;
}

/** The constants of the formulas and the verdict's lines: 2 in 2/fan_in, σ's peak 0.25, the 1/1000 of saturation, the gains 0.1 and 10. */
const CONSTANTS = [0, 1, 2, 0.25, 0.5, 0.1, 10, 1000];

const right = (q: Question) => q.choices[q.answer]!;
const wrong = (q: Question) => q.choices.filter((_, i) => i !== q.answer);

function saturationWords(q: Question, slope: number, peak: number): void {
  if (slope / peak < SATURATED) expect(q.explanation).toContain('saturated and passes back almost nothing');
  else expect(q.explanation).not.toMatch(/the neuron is saturated|all but kills/);
}

function gainWords(q: Question, gain: number): void {
  if (gain >= 10) expect(q.explanation).toContain('gradbot calls a chain exploding');
  else if (gain <= 0.1) expect(q.explanation).toContain('gradbot calls a chain vanishing');
  else expect(q.explanation).toContain('neither exploding nor vanishing');
}

function derive(q: Question): Derived {
  const t = q.question;
  let m: RegExpExecArray | null;
  if ((m = /^A chain of (\d+) sigmoid neurons, every w = (\d+), centred/.exec(t))) {
    const [L, w] = [Number(m[1]), Number(m[2])];
    const link = 0.25 * w;
    const gain = link ** (L - 1);
    return { right: num(gain), values: [link, gain, w ** (L - 1), (L - 1) * link, (0.5 * w) ** (L - 1), 0.5, 0.1, 10, L - 1], check: () => gainWords(q, gain) };
  }
  if ((m = /factors of dloss\/dw are ([\d, ]+); w = (\d+), lr = (\d+(?:\.\d+)?)/.exec(t))) {
    const f = m[1]!.split(', ').map(Number);
    const [w, lr] = [Number(m[2]), Number(m[3])];
    const prod = f.reduce((a, b) => a * b, 1);
    const sum = f.reduce((a, b) => a + b, 0);
    const step = lr * prod;
    return {
      right: num(w - step),
      values: [prod, step, step / w, pct(step / w), w - step, w + step, w - lr * w, w - lr * sum, w - prod, 0],
      check: () => {
        // "far past 0" only when the step is at least ten times the weight; "past 0" only when it is larger.
        if (q.explanation.includes('far past 0')) expect(step).toBeGreaterThanOrEqual(10 * w);
        if (q.explanation.includes('past 0')) expect(step).toBeGreaterThan(w);
        else expect(step).toBeLessThanOrEqual(w);
      },
    };
  }
  if ((m = /^(\d+) sigmoid neurons in a chain, every w = (\d+)/.exec(t))) {
    const [L, w] = [Number(m[1]), Number(m[2])];
    const link = 0.25 * w;
    const gain = link ** (L - 1);
    let cross = 0;
    while (cross < 50 && link ** cross > 0.1) cross++;
    return {
      right: num(gain),
      values: [link, gain, w ** (L - 1), (L - 1) * link, (0.5 * w) ** (L - 1), 0.5, 1, 10, L - 1, cross + 1, link ** cross],
      check: () => gainWords(q, gain),
    };
  }
  if ((m = /^A ReLU neuron has z = ([\d.]+)\. What is relu'/.exec(t))) {
    const z = Number(m[1]);
    return { right: num(1), values: [0, 0.25, z, dsigma(z)] };
  }
  if ((m = /^A sigmoid neuron has z = (\d+)\. What is σ'/.exec(t))) {
    const z = Number(m[1]);
    const d = dsigma(z);
    return { right: num(d), values: [sigma(z), 0.25, 0, 1000, pct(d / 0.25)], check: () => saturationWords(q, d, 0.25) };
  }
  if ((m = /^A tanh neuron has z = (\d+)/.exec(t))) {
    const z = Number(m[1]);
    const d = dtanh(z);
    return { right: num(d), values: [Math.tanh(z), 0.25, 0, 1000, dsigma(z), pct(d)], check: () => saturationWords(q, d, 1) };
  }
  if (/A sigmoid neuron sits at z = 30/.test(t)) {
    return { right: `It almost vanishes: σ'(30) = ${num(dsigma(30))}`, values: [dsigma(30), 0.25, 1000, 0], check: () => saturationWords(q, dsigma(30), 0.25) };
  }
  if ((m = /with every w = (\d+) but b = 0 instead of centred biases/.exec(t))) {
    const w = Number(m[1]);
    const o1 = sigma(w);
    const z2 = w * o1;
    const link = dsigma(z2) * w;
    return {
      right: num(link),
      values: [w, o1, 1 - o1, z2, dsigma(z2), link, 0.25 * w, sigma(z2) * w, 0.25, 0, 1000],
      check: () => saturationWords(q, dsigma(z2), 0.25),
    };
  }
  if ((m = /With fan_in = (\d+) and fan_out = (\d+), what variance does their compromise give/.exec(t))) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    const v = 2 / (a + b);
    return { right: num(v), values: [v, a + b, 1 / a, 2 / a, Math.sqrt(v), 1 / (a + b)] };
  }
  if ((m = /U\(−a, a\) with .* fan_in = (\d+) and fan_out = (\d+), what is a/.exec(t))) {
    const [n, o] = [Number(m[1]), Number(m[2])];
    return { right: num(Math.sqrt(6 / (n + o))), values: [Math.sqrt(6 / (n + o)), n + o, Math.sqrt(2 / (n + o)), 6 / (n + o), Math.sqrt(6 / n), 3, 6] };
  }
  if (/which weight makes every link do_k\/do_\(k-1\) exactly 1/.test(t)) {
    return { right: num(4), values: [4, 1, 0.25, 0.0625, 2, 0.5, 500, 125, 1 / 4] };
  }
  if ((m = /^A chain of (\d+) centred sigmoid neurons gets Xavier's scale/.exec(t))) {
    const L = Number(m[1]);
    const gain = 0.25 ** (L - 1);
    return { right: num(gain), values: [gain, 0.25, L - 1, 1, 0.5 ** (L - 1), 4 ** (L - 1), 4, 0.1, 10], check: () => gainWords(q, gain) };
  }
  if ((m = /He \(Kaiming\).*fan_in = (\d+)/.exec(t))) {
    const n = Number(m[1]);
    return { right: num(Math.sqrt(2 / n)), values: [Math.sqrt(2 / n), 2 / n, Math.sqrt(1 / n), 1 / n, Math.sqrt(6 / n), 6] };
  }
  if ((m = /After (\d+) such layers, what share of Var\(z\) is left/.exec(t))) {
    const L = Number(m[1]);
    return { right: num(0.5 ** L), values: [0.5 ** L, 0.5, 0.25 ** L, Math.SQRT1_2 ** L, 0.25] };
  }
  if ((m = /^The gradient is \((−?\d+), (−?\d+)\)\. With global-norm clipping at clip = (\d+)/.exec(t))) {
    const [a, b, c] = [parse(m[1]!), parse(m[2]!), Number(m[3])];
    const n = Math.hypot(a, b);
    expect(n).toBeGreaterThan(c); // the question only asks where clipping acts
    const s = c / n;
    const clamp = (v: number) => Math.max(-c, Math.min(c, v));
    return { right: `(${num(a * s)}, ${num(b * s)})`, values: [n, s, a * s, b * s, clamp(a), clamp(b)] };
  }
  if ((m = /^The lecture's run \(w=500, lr=0\.01, 3 sigmoid layers\) with clip=(\d+)/.exec(t))) {
    const clip = Number(m[1]);
    const run = simulate(lectureSpec({ clip }));
    const g = run.trajectory.grad_w[0]!;
    const gb = run.trajectory.grad_b[0]!;
    const norm = Math.hypot(...g, ...gb);
    const gc = (g[0]! * clip) / norm;
    const next = 500 - 0.01 * gc;
    const gain = run.step0.factors.filter((f) => f.kind === 'link').reduce((a, f) => a * Math.abs(f.value), 1);
    expect(num(next)).toBe(num(run.trajectory.w[1]![0]!));
    return { right: num(next), values: [g[0]!, norm, gc, next, gain, 500 - 0.01 * g[0]!, 500 + 0.01 * gc, 500 - 0.01 * clip, 500 - gc, 6, 0.01, 500] };
  }
  if ((m = /^The lecture's chain, (\d+) centred sigmoid neurons with w = (\d+).*Which one change makes it exactly 1/.exec(t))) {
    const [depth, w] = [Number(m[1]), Number(m[2])];
    const gainOf = (s: RunSpec) => simulate({ ...s, steps: 1 }).step0.factors.filter((f) => f.kind === 'link').reduce((a, f) => a * Math.abs(f.value), 1);
    const base = lectureSpec({ w, depth });
    const specOf = (label: string): RunSpec => {
      const k = /w=(\d+)/.exec(label) ?? /(clip|lr|steps)=([\d.]+)/.exec(label);
      if (!k) throw new Error(label);
      return k.length === 2 ? { ...base, w: Number(k[1]) } : { ...base, [k[1]!]: Number(k[2]) };
    };
    const gains = q.choices.map((c) => gainOf(specOf(c)));
    return {
      right: 'Set w=4 in every layer',
      values: [gainOf(base), ...gains, 4, 0.25, 1, 0.0001, 1000],
      check: () => {
        q.choices.forEach((c, i) => expect(Math.abs(gains[i]! - 1) < 1e-9, c).toBe(i === q.answer));
      },
    };
  }
  if ((m = /^Run act=relu depth=(\d+) w=(\d+) clip=(\d+) .*Does clipping rescue it/.exec(t))) {
    const [depth, w, clip] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const run = simulate(lectureSpec({ act: 'relu', depth, w, clip }));
    const loss = run.trajectory.loss;
    const gain = w ** (depth - 1);
    return {
      right: `No: after 30 steps the loss is still ${num(loss.at(-1)!)}`,
      values: [gain, w, run.step0.gradNorm, clip, 0.01 * clip, 30 * 0.01 * clip, loss[0]!, loss.at(-1)!, 30, 0.01, 1],
      check: () => {
        expect(run.diverged_at).toBeNull();
        expect(loss.at(-1)!).toBeGreaterThan(0.5 * loss[0]!);
        expect(Math.min(...loss)).toBeGreaterThanOrEqual(1); // "falls below 1" is wrong
        expect(gain).toBeGreaterThan(clip); // "caps the gain" is wrong
      },
    };
  }
  if ((m = /^A ReLU neuron has z = (−[\d.]+)\. What factor/.exec(t))) {
    return { right: num(0), values: [0, 1, 0.25, parse(m[1]!), 0.01] };
  }
  if ((m = /^Run act=relu depth=(\d+) w=([\d.]+) x=(−\d+) .*how much does w1 change over (\d+) steps/.exec(t))) {
    const [depth, w, x, steps] = [Number(m[1]), Number(m[2]), parse(m[3]!), Number(m[4])];
    const run = simulate(lectureSpec({ act: 'relu', depth, w, x, steps }));
    const tr = run.trajectory;
    return {
      right: "Not at all: relu'(z1) = 0, so every gradient is 0",
      values: [w, x, w * x, 0, 1, steps],
      check: () => {
        expect(tr.w.every((r) => r[0] === w)).toBe(true);
        expect([...tr.grad_w, ...tr.grad_b].every((r) => r.every((g) => g === 0))).toBe(true);
        expect(tr.loss.every((l) => l === 1)).toBe(true);
      },
    };
  }
  if ((m = /^Run act=relu w=(\d+) lr=([\d.]+) \(3 layers.*What happens after the first update/.exec(t))) {
    const [w, lr] = [Number(m[1]), Number(m[2])];
    const run = simulate(lectureSpec({ act: 'relu', w, lr }));
    const tr = run.trajectory;
    return {
      right: 'Every ReLU dies (z ≤ 0): the loss stays 1 for good',
      values: [w ** 3, tr.loss[0]!, run.step0.grad_w1, tr.w[1]![0]!, tr.z[1]![0]!, 0, 1, tr.loss.length - 1, 3],
      check: () => {
        expect(run.diverged_at).toBeNull();
        for (let s = 1; s < tr.z.length; s++) {
          expect(tr.z[s]!.every((z) => z <= 0)).toBe(true);
          expect([...tr.grad_w[s]!, ...tr.grad_b[s]!].every((g) => g === 0)).toBe(true);
          expect(tr.loss[s]).toBe(1);
        }
      },
    };
  }
  throw new Error(`no derivation for a numeric question: ${t}`);
}

/** The text questions: their right answer, and the figures their explanations quote. */
const TEXT: Record<string, { right: string; values: (number | string)[] }> = {
  'Why do large initial weights make the gradient explode in a deep chain?': {
    right: "Links φ'(z)·w multiply; with each z near 0, a large w makes every link > 1",
    values: [0.25, 500, 125, 15_625, dsigma(500), 0],
  },
  'Why do deep sigmoid networks suffer from vanishing gradients?': { right: "σ' ≤ 0.25, so each layer with |w| < 4 shrinks the gradient", values: [0.25, 4, 1, 0.25 ** 9, 0] },
  'What is Xavier initialisation trying to keep constant from layer to layer?': {
    right: 'The variance of activations (forward) and of gradients (backward)',
    values: [2, 1, 0, 4],
  },
  'Why does He initialisation use Var(w) = 2/fan_in rather than 1/fan_in?': {
    right: 'ReLU zeroes about half its inputs, halving the variance; the 2 restores it',
    values: [2, 1, 0.25, 0],
  },
  'What does global-norm gradient clipping change?': { right: 'The length of the step when the gradient is too long, not its direction', values: [] },
};

function expectTrue(q: Question): void {
  expectWellFormed(q);
  const text = TEXT[q.question];
  const d: Derived = text ? { right: text.right, values: text.values } : derive(q);
  expect(right(q), q.question).toBe(d.right);
  for (const w of wrong(q)) expect(w, q.question).not.toBe(d.right);
  expectNumbersFrom(q, [d.right, ...d.values, ...CONSTANTS]);
  d.check?.();
}

describe('the concept bank', () => {
  for (const topic of TOPICS) {
    it(`asks well-formed, reproducible ${topic} questions`, () => {
      const texts = new Set<string>();
      for (const seed of SEEDS) {
        const q = makeQuestion({ seed, topic });
        expect(makeQuestion({ seed, topic })).toEqual(q);
        expect(q.kind.startsWith(topic === 'lecture' ? 'run-' : `concept-${topic}`)).toBe(true);
        expectWellFormed(q);
        texts.add(q.question);
      }
      expect(texts.size).toBeGreaterThan(1);
    });
  }

  it('over thousands of seeds: the marked answer is the one right choice, and every number and word in the explanation is true', () => {
    const asked = new Map<string, number>();
    fc.assert(
      fc.property(fc.constantFrom(...TOPICS.filter((t) => t !== 'lecture')), fc.nat(), (topic, seed) => {
        const q = makeQuestion({ seed, topic });
        expectTrue(q);
        const shape = q.question.replace(/[\d.,−]+/g, '#');
        asked.set(shape, (asked.get(shape) ?? 0) + 1);
      }),
      { numRuns: 1500, seed: 20261201 },
    );
    // Every template was exercised (the claims and engine ones included).
    expect(asked.size).toBeGreaterThanOrEqual(25);
  });

  it('never names a misconception whose value is the right answer (w = 8, depth 3: adding the links gives the product)', () => {
    for (const seed of SEEDS.concat(Array.from({ length: 400 }, (_, i) => i))) {
      const q = makeQuestion({ seed, topic: 'exploding' });
      if (!/A chain of 3 sigmoid neurons, every w = 8,/.test(q.question)) continue;
      expect(q.explanation).not.toMatch(/adding the links/i);
      return;
    }
    throw new Error('no w = 8, depth 3 question among the seeds');
  });

  it('draws a topic from the seed when none is given', () => {
    const topics = new Set(SEEDS.map((seed) => makeQuestion({ seed }).topic));
    expect(topics.size).toBeGreaterThanOrEqual(6);
  });
});
