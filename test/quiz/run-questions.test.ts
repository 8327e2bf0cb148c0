import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, lectureSpec, simulate, verdictOf, type Activation, type RunResult, type RunSpec } from '../../src/engine/index.ts';
import { makeQuestion, questionJson, reshuffle } from '../../src/quiz/generate.ts';
import { allRunQuestions, runQuestion, runQuestionOfKind } from '../../src/quiz/run-questions.ts';
import { RUN_KINDS, type Question, type RunKind } from '../../src/quiz/types.ts';
import { expectNumbersFrom, expectWellFormed, num, numbersIn, shown } from './explained.ts';

const specArb: fc.Arbitrary<RunSpec> = fc.record({
  depth: fc.integer({ min: 1, max: 8 }),
  act: fc.constantFrom(...ACTIVATIONS),
  x: fc.oneof(fc.constant(1), fc.constant(0), fc.double({ min: -3, max: 3, noNaN: true })),
  y: fc.oneof(fc.constant(1), fc.constant(0.9), fc.double({ min: -3, max: 3, noNaN: true })),
  lr: fc.oneof(fc.constantFrom(1e-4, 0.001, 0.01, 0.1, 1, 10), fc.double({ min: 1e-5, max: 20, noNaN: true })),
  steps: fc.integer({ min: 1, max: 60 }),
  clip: fc.option(fc.constantFrom(0.1, 1, 5, 50), { nil: null }),
  w: fc.oneof(fc.constantFrom(0, 0.5, 1, 4, 8, 20, 50, 500, -3), fc.double({ min: -600, max: 600, noNaN: true })),
  b: fc.oneof(fc.constant(null), fc.constant('centered' as const), fc.constant(0), fc.double({ min: -5, max: 5, noNaN: true })),
  wLayers: fc.oneof(fc.constant({}), fc.record({ 1: fc.double({ min: -50, max: 50, noNaN: true }) })),
  bLayers: fc.constant({}),
});

/** Deep linear chains with large weights: runs that overflow at step 0, after one update, or after several. */
const overflowArb: fc.Arbitrary<RunSpec> = fc.record({
  depth: fc.integer({ min: 8, max: 50 }),
  w: fc.constantFrom(3, 5, 20, 100, 600),
  lr: fc.constantFrom(0.001, 0.01, 0.1),
  steps: fc.constantFrom(5, 30),
}).map((o) => lectureSpec({ ...o, act: 'linear' }));

// ---- what the run did, written out again here from the trajectory (not from the quiz's own helpers) ----

const PEAK: Record<Activation, number> = { sigmoid: 0.25, tanh: 1, relu: 1, linear: 1 };
function slope(act: Activation, z: number): number {
  const e = Math.exp(-Math.abs(z));
  if (act === 'sigmoid') return e / (1 + e) ** 2;
  if (act === 'tanh') return (4 * e * e) / (1 + e * e) ** 2;
  if (act === 'relu') return z > 0 ? 1 : 0;
  return 1;
}
const isFlat = (run: RunResult, t: number, k: number) => slope(run.params.act, run.trajectory.z[t]![k - 1]!) / PEAK[run.params.act] < 1e-3;
const maxW = (run: RunResult, t: number) => Math.max(...run.trajectory.w[t]!.map(Math.abs));
const gainAt0 = (run: RunResult) => run.step0.factors.filter((f) => f.kind === 'link').reduce((a, f) => a * Math.abs(f.value), 1);
const unchangedFrom = (run: RunResult, f: number) =>
  run.trajectory.w.slice(f).every((r) => r.every((v, k) => Object.is(v, run.trajectory.w[f]![k]))) &&
  run.trajectory.b.slice(f).every((r) => r.every((v, k) => Object.is(v, run.trajectory.b[f]![k])));
const unchangedAt = (run: RunResult, t: number) =>
  run.trajectory.w[t + 1]!.every((v, k) => Object.is(v, run.trajectory.w[t]![k])) && run.trajectory.b[t + 1]!.every((v, k) => Object.is(v, run.trajectory.b[t]![k]));
const layersIn = (s: string) => s.split(/, | and /).map(Number);

/** Every figure a run question may quote, from the engine's result for that run. */
function runValues(run: RunResult): number[] {
  const p = run.params;
  const s = run.step0;
  const t = run.trajectory;
  const vals = [
    ...p.w, ...p.b, p.x, p.y, p.lr, p.steps, p.depth, ...(p.clip === null ? [] : [p.clip, p.lr * p.clip]),
    ...s.z, ...s.o, s.yhat, s.loss, s.grad_w1, s.gradNorm, s.clipScale, s.clipped.w[0]!,
    ...s.factors.flatMap((f) => [f.value, f.bound ?? 0, Math.abs(f.value)]),
    ...(t.w[1] ?? []), gainAt0(run), verdictOf(run).growth, 0.25, 1, 10, 0.1, 1000, 1.8e308,
  ];
  t.w.forEach((_, i) => vals.push(maxW(run, i), i));
  t.loss.forEach((l, i) => vals.push(l, Math.max(...[...t.grad_w[i]!, ...t.grad_b[i]!].map(Math.abs))));
  for (let k = 1; k <= p.depth; k++) vals.push(k);
  const range = { sigmoid: [0, 1], tanh: [-1, 1], relu: [0, Infinity], linear: [-Infinity, Infinity] }[p.act];
  const nearest = Math.min(Math.max(p.y, range[0]!), range[1]!);
  vals.push(nearest, (p.y - nearest) ** 2, ...range.filter(Number.isFinite));
  if (num(p.y) === num(nearest)) vals.push(String(p.y).replace('-', '−') as unknown as number);
  return vals;
}

/** The words of the run's story, each checked against the trajectory. */
function expectStoryTrue(run: RunResult, text: string): void {
  let m: RegExpExecArray | null;
  expect(text).not.toMatch(/kept growing|×∞|Xavier-style|sane init/);
  if (text.includes('every number stayed finite')) expect(run.diverged_at).toBeNull();
  if ((m = /The engine's loop stops at step (\d+)/.exec(text))) expect(run.diverged_at).toBe(Number(m[1]));
  if (text.includes('The very first forward pass overflows')) expect(run.diverged_at).toBe(0);
  if (text.includes('It took one update')) expect(run.diverged_at).toBe(1);
  if ((m = /rose at every step, from .* at step 0 to .* at step (\d+)/.exec(text))) {
    for (let i = 1; i <= Number(m[1]); i++) expect(maxW(run, i)).toBeGreaterThan(maxW(run, i - 1));
  }
  if ((m = /From step (\d+) on no weight or bias changes: (every gradient is exactly 0|the gradients are too small)/.exec(text))) {
    const f = Number(m[1]);
    expect(unchangedFrom(run, f)).toBe(true);
    if (f > 0) expect(unchangedFrom(run, f - 1)).toBe(false);
    const zero = [...run.trajectory.grad_w[f]!, ...run.trajectory.grad_b[f]!].every((g) => g === 0);
    expect(zero).toBe(m[2] === 'every gradient is exactly 0');
  }
  for (const mm of text.matchAll(/(?:At step (\d+)|At the last step), layers? ([\d, and]+?) (?:is|are) (saturated|dead)/g)) {
    const t = mm[1] === undefined ? run.trajectory.loss.length - 1 : Number(mm[1]);
    for (const k of layersIn(mm[2]!)) expect(isFlat(run, t, k), `layer ${k} at step ${t}`).toBe(true);
    expect(mm[3] === 'dead').toBe(run.params.act === 'relu');
  }
  if (text.includes('(exploding: 10 or more)')) expect(gainAt0(run)).toBeGreaterThanOrEqual(10);
  if (text.includes('(vanishing: 0.1 or less)')) expect(gainAt0(run)).toBeLessThanOrEqual(0.1);
  if (text.includes('only because ŷ rounds to exactly')) expect(run.trajectory.loss.at(-1)).toBe(0);
  if ((m = /is out of (\w+)'s reach .*: the loss can never fall below \(y − \(?(−?[\d.]+)\)?\)²/.exec(text))) {
    const { act, y } = run.params;
    const [lo, hi] = { sigmoid: [0, 1], tanh: [-1, 1], relu: [0, Infinity], linear: [-Infinity, Infinity] }[act];
    expect(m[1]).toBe(act);
    expect(y < lo! || y > hi!).toBe(true);
    expect(num(y < lo! ? lo! : hi!)).toBe(m[2]);
    expect(Math.min(...run.trajectory.loss)).toBeGreaterThanOrEqual((y - (y < lo! ? lo! : hi!)) ** 2);
  }
}

/** Applies a run-fix choice to the spec, read from its text. */
function applyChange(spec: RunSpec, label: string): RunSpec {
  let m = /^Unit-gain weights: w=([\d.]+) in every layer/.exec(label);
  if (m) return { ...spec, w: Number(m[1]), wLayers: {} };
  m = /\((lr|clip|steps|depth|w)=([^)]+)\)$/.exec(label);
  if (!m) throw new Error(`unreadable change: ${label}`);
  const v = Number(m[2]);
  if (m[1] === 'w') return { ...spec, w: v, wLayers: Object.fromEntries(Object.entries(spec.wLayers).map(([k, x]) => [k, x * 2])) };
  return { ...spec, [m[1]!]: v };
}

const flatAt = (r: RunResult, t: number) => Array.from({ length: r.params.depth }, (_, i) => i + 1).filter((k) => isFlat(r, t, k));
/** What "fixed" means for each criterion a run-fix question can name, re-derived here from the engine. */
const fixedBy: Record<string, (r: RunResult) => boolean> = {
  'keeps every number finite and the weights within 10× of their start': (r) => r.diverged_at === null && verdictOf(r).growth < 10,
  'brings the step-0 gain below 10': (r) => r.diverged_at === null && gainAt0(r) < 10,
  'leaves no neuron saturated or dead, at step 0 or at the end': (r) =>
    r.diverged_at === null && flatAt(r, 0).length === 0 && flatAt(r, r.trajectory.loss.length - 1).length === 0,
  'brings the step-0 gain above 0.1': (r) => r.diverged_at === null && gainAt0(r) > 0.1,
};

/** Checks one run question against the engine's own numbers for that run. */
function expectMatchesEngine(spec: RunSpec, run: RunResult, q: Question, figures: ReadonlySet<string> = shown(runValues(run))): void {
  const right = q.choices[q.answer]!;
  const wrong = q.choices.filter((_, i) => i !== q.answer);
  const p = run.params;
  const extra: number[] = [];
  switch (q.kind as RunKind) {
    case 'run-bound': {
      const bound = PEAK[p.act] * Math.abs(p.w[1]!);
      expect(right).toBe(num(bound));
      for (const d of wrong) expect(d).not.toBe(num(bound));
      extra.push(Math.abs(p.w[1]!), 0.25 * Math.abs(p.w[1]!));
      break;
    }
    case 'run-update': {
      expect(right).toBe(num(run.trajectory.w[1]![0]!));
      for (const d of wrong) expect(d).not.toBe(right);
      // Clipped: the step's g is not called dloss/dw1.
      if (p.clip !== null && run.step0.gradNorm > p.clip) expect(q.explanation).toContain('not dloss/dw1');
      else expect(q.explanation).not.toMatch(/clip/i);
      break;
    }
    case 'run-smallest': {
      const sizes = run.step0.factors.map((f) => [f.label, Math.abs(f.value)] as const).sort((a, b) => a[1] - b[1]);
      expect(right).toBe(sizes[0]![0]);
      for (const d of wrong) expect(Math.abs(run.step0.factors.find((f) => f.label === d)!.value)).toBeGreaterThan(sizes[0]![1]);
      const m = /(\S+) is the most negative/.exec(q.explanation);
      if (m) {
        const v = run.step0.factors.find((f) => f.label === m[1])!.value;
        expect(v).toBeLessThan(0);
        for (const f of run.step0.factors) if (f.label !== m[1]) expect(num(f.value)).not.toBe(num(v)), expect(f.value).toBeGreaterThan(v);
      }
      break;
    }
    case 'run-diverge':
      if (run.diverged_at === null) expect(right).toMatch(/^No: every number stays finite for (its one step|all \d+ steps)$/);
      else expect(right).toBe(`Yes, it overflows at step ${run.diverged_at}`);
      for (const d of wrong) expect(d).not.toBe(right);
      break;
    case 'run-after': {
      // The outcome, re-derived from the rows: overflow, frozen (a row equal to the next), or still moving.
      const tr = run.trajectory;
      let frozen: number | null = null;
      if (run.diverged_at === null) for (let t = 0; t + 1 < tr.w.length && frozen === null; t++) if (unchangedAt(run, t)) frozen = t;
      const first = tr.loss[0]!;
      const last = tr.loss.at(-1)!;
      const kind = run.diverged_at !== null ? 'overflow' : frozen !== null ? 'frozen' : last < first / 2 ? 'learning' : 'stuck';
      if (kind === 'overflow') expect(right).toBe(`A number overflows past the largest double, at step ${run.diverged_at}`);
      if (kind === 'frozen') {
        expect(right).toMatch(new RegExp(`^Frozen from step ${frozen}(:|$)`));
        const zero = [...tr.grad_w[frozen!]!, ...tr.grad_b[frozen!]!].every((g) => g === 0);
        if (right.includes('exactly 0')) expect(zero).toBe(true);
        if (right.includes('below double precision')) expect(zero).toBe(false);
        const n = /(a|\d+) neurons? (saturated|dead)/.exec(right);
        if (n) expect(flatAt(run, frozen!).length).toBe(n[1] === 'a' ? 1 : Number(n[1]));
        const l = /loss stays (.+)$/.exec(right);
        if (l) expect(l[1]).toBe(num(tr.loss[frozen!]!));
        extra.push(flatAt(run, frozen!).length);
      }
      if (kind === 'learning' || kind === 'stuck') {
        expect(right.startsWith('Still moving')).toBe(true);
        const l = /from (.+) to (.+)$/.exec(right);
        if (l) expect([l[1], l[2]]).toEqual([num(first), num(last)]);
        expect(right).toContain(kind === 'learning' ? 'falls' : 'only goes');
      }
      // Every wrong choice names another outcome.
      const generic: Record<string, string> = {
        'A weight or the loss overflows past the largest double': 'overflow',
        'It freezes: after some step no weight or bias moves again': 'frozen',
        'The weights keep moving to the end and the loss falls below half': 'learning',
        'The weights keep moving to the end, but the loss stays above half': 'stuck',
      };
      for (const d of wrong) {
        expect(generic[d], d).toBeDefined();
        expect(generic[d]).not.toBe(kind);
      }
      break;
    }
    case 'run-fix': {
      const crit = Object.keys(fixedBy).find((k) => q.question.includes(k));
      expect(crit, q.question).toBeDefined();
      const fixed = fixedBy[crit!]!;
      expect(fixed(run)).toBe(false);
      const rightRun = simulate(applyChange(spec, right));
      expect(fixed(rightRun)).toBe(true);
      expect(right).toMatch(/^(A smaller learning rate|Unit-gain weights|Clip the gradient norm)/);
      // A "change" to the weights the run already has is never offered.
      if (right.startsWith('Unit-gain')) expect(p.w.every((w) => w === 1 / PEAK[p.act])).toBe(false);
      // Clipping is never marked right for the gain (it cannot change it), and is said to cap the step, not to cure the gain.
      if (right.startsWith('Clip')) {
        expect(crit).not.toMatch(/gain/);
        expect(q.explanation).toContain("Clipping caps each step's length at lr × clip");
        expect(q.explanation).toContain(gainAt0(run) >= 10 ? 'it does not touch the cause' : "the chain's step-0 gain stays");
        extra.push(rightRun.params.lr * rightRun.params.clip!);
      }
      extra.push(gainAt0(rightRun), verdictOf(rightRun).growth, rightRun.trajectory.loss.at(-1)!);
      for (const d of wrong) {
        const r = simulate(applyChange(spec, d));
        expect(fixed(r), d).toBe(false);
        extra.push(gainAt0(r), verdictOf(r).growth, r.trajectory.loss.at(-1)!, r.diverged_at ?? 0, ...Array.from({ length: r.params.depth }, (_, i) => i + 1));
      }
      break;
    }
  }
  // A run-fix explanation repeats its choices, whose values applyChange has just re-run.
  const labels = q.kind === 'run-fix' ? q.choices.flatMap(numbersIn) : [];
  expectNumbersFrom(q, [...extra, ...labels], figures);
  expectStoryTrue(run, q.explanation);
}

describe('questions about a run', () => {
  it('asks the lecture run with the lecture numbers, computed by the engine', () => {
    const spec = lectureSpec();
    const byKind = new Map(allRunQuestions(spec, 1).map((q) => [q.kind, q]));
    const bound = byKind.get('run-bound')!;
    expect(bound.choices[bound.answer]).toBe(num(0.25 * 500)); // the lecture's dO21/dO11 <= 0.25 x 500
    expect(bound.choices).toContain(num(500)); // forgetting sigma'
    const update = byKind.get('run-update')!;
    const run = simulate(spec);
    const g = run.step0.grad_w1;
    expect(update.choices[update.answer]).toBe(num(500 - 0.01 * g));
    expect(update.choices).toContain(num(500 + 0.01 * g)); // sign error
    expect(update.choices).toContain(num(500 - 0.01 * 500)); // lr * w instead of lr * g
    expect(byKind.get('run-smallest')!.choices[byKind.get('run-smallest')!.answer]).toBe('do1/dw1');
    // What the lecture run really does: one huge step, then every neuron saturated and the gradient exactly 0.
    const diverge = byKind.get('run-diverge')!;
    expect(diverge.explanation).toContain('From step 1 on no weight or bias changes: every gradient is exactly 0');
    expect(diverge.explanation).toContain('layers 1, 2 and 3 are saturated');
    const after = byKind.get('run-after')!;
    expect(after.choices[after.answer]).toBe('Frozen from step 1: gradient exactly 0, 3 neurons saturated, loss stays 0');
    expect(after.explanation).toContain('The loss is 0 only because ŷ rounds to exactly y = 1');
  });

  /** Builds and checks the given kinds for one run; counts what was asked. */
  function checkRun(spec: RunSpec, seed: number, kinds: readonly RunKind[], seen: Map<string, number>): RunResult {
    const run = simulate(spec);
    const figures = shown(runValues(run));
    for (const kind of kinds) {
      const q = runQuestionOfKind(spec, seed, kind, run);
      if (!q) continue;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      expect(q.kind).toBe(kind);
      expectWellFormed(q);
      expectMatchesEngine(spec, run, q, figures);
    }
    return run;
  }

  const runs = fc.oneof({ weight: 4, arbitrary: specArb }, { weight: 1, arbitrary: overflowArb });

  it('over thousands of random runs: the marked answer is the one right choice and the explanation is true to the trajectory', () => {
    const seen = new Map<string, number>();
    const kinds = RUN_KINDS.filter((k) => k !== 'run-fix');
    fc.assert(
      fc.property(runs, fc.nat(), (spec, seed) => {
        const run = checkRun(spec, seed, kinds, seen);
        // There is always some question about a run.
        expectWellFormed(runQuestion(spec, seed, { run }));
      }),
      { numRuns: 1000, seed: 20261201 },
    );
    // Every kind was exercised, so the property covered them all.
    for (const kind of kinds) expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(150);
  });

  // run-fix re-runs the engine for every choice (and this test again for each): fewer, shorter runs keep the file fast.
  it('run-fix over hundreds of random runs: the marked change fixes the run, re-run in the engine, and no other offered change does', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(runs.map((s) => ({ ...s, steps: Math.min(s.steps, 30) })), fc.nat(), (spec, seed) => void checkRun(spec, seed, ['run-fix'], seen)),
      { numRuns: 400, seed: 20261202 },
    );
    expect(seen.get('run-fix') ?? 0).toBeGreaterThan(150);
  });

  it('says what the issue runs really did', () => {
    const story = (s: Partial<RunSpec>) => runQuestionOfKind(lectureSpec(s), 1, 'run-diverge')!.explanation;
    // w=8 depth=6: gain 32, the loss simply falls; no neuron saturates, nothing freezes.
    const w8 = story({ w: 8, depth: 6 });
    expect(w8).not.toMatch(/saturat|no weight or bias changes/);
    expect(w8).toContain('the loss from 0.25 to');
    // A target the activation cannot reach is named.
    expect(story({ y: 5 })).toContain("y = 5 is out of sigmoid's reach (its outputs lie between 0 and 1): the loss can never fall below (y − 1)² = 16.");
    // w=0: no "grew ×∞".
    expect(story({ w: 0 })).toContain('the largest |w| went from 0 to');
    // Overflow in the very first pass, and after one update: no "kept growing".
    const first = lectureSpec({ act: 'linear', w: 600, depth: 50 });
    expect(simulate(first).diverged_at).toBe(1);
    expect(story({ act: 'linear', w: 600, depth: 50 })).toContain('It took one update');
    // ReLU w=500: one step kills every unit, the loss stays 1.
    expect(story({ act: 'relu' })).toMatch(/every gradient is exactly 0\. At step 1, layers 1, 2 and 3 are dead/);
  });

  it('marks clipping right only for the size of the steps, and never offers the weights the run already has', () => {
    const q = runQuestionOfKind(lectureSpec({ w: 4, b: 0, y: 0.5, act: 'sigmoid', depth: 8 }), 3, 'run-fix');
    if (q) expect(q.choices.join('|')).not.toMatch(/w=4 in every layer/);
    for (let seed = 0; seed < 40; seed++) {
      const f = runQuestionOfKind(lectureSpec({ act: 'relu' }), seed, 'run-fix')!;
      if (f.choices[f.answer]!.startsWith('Clip')) expect(f.explanation).toMatch(/it does not touch the cause: the chain's step-0 gain is still 250,000/);
    }
  });

  it('is the same for the same seed and varies across seeds', () => {
    const spec = lectureSpec({ w: 50, depth: 4 });
    expect(runQuestion(spec, 42)).toEqual(runQuestion(spec, 42));
    const kinds = new Set(Array.from({ length: 30 }, (_, s) => runQuestion(spec, s).kind));
    expect(kinds.size).toBeGreaterThanOrEqual(4);
    const answers = new Set(Array.from({ length: 30 }, (_, s) => runQuestion(spec, s, { kind: 'run-update' }).answer));
    expect(answers.size).toBeGreaterThan(1);
  });

  it('prefers the asked kind and falls back when it does not apply', () => {
    expect(runQuestion(lectureSpec(), 3, { kind: 'run-update' }).kind).toBe('run-update');
    expect(runQuestionOfKind(lectureSpec({ depth: 1 }), 3, 'run-bound')).toBeNull();
    expect(runQuestion(lectureSpec({ depth: 1 }), 3, { kind: 'run-bound' }).kind).not.toBe('run-bound');
  });
});

describe('reshuffle', () => {
  it('keeps the right answer text under a new order', () => {
    const q = makeQuestion({ seed: 9, spec: lectureSpec() });
    for (let s = 0; s < 20; s++) {
      const r = reshuffle(q, s);
      expect(r.choices.slice().sort()).toEqual(q.choices.slice().sort());
      expect(r.choices[r.answer]).toBe(q.choices[q.answer]);
    }
  });

  it('gives the CLI shape', () => {
    const j = questionJson(makeQuestion({ seed: 1, topic: 'he' }));
    expect(Object.keys(j).sort()).toEqual(['answer', 'choices', 'explanation', 'kind', 'question']);
  });
});
