import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, activation, healthyBaseline, lectureSpec, simulate, verdictOf, type RunResult, type RunSpec } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { makeQuestion, questionJson, reshuffle } from '../../src/quiz/generate.ts';
import { allRunQuestions, runQuestion, runQuestionOfKind } from '../../src/quiz/run-questions.ts';
import { MAX_CHOICE_CHARS, RUN_KINDS, type Question, type RunKind } from '../../src/quiz/types.ts';

const num = (v: number) => fmt(v, 'unicode');

const specArb: fc.Arbitrary<RunSpec> = fc.record({
  depth: fc.integer({ min: 1, max: 8 }),
  act: fc.constantFrom(...ACTIVATIONS),
  x: fc.oneof(fc.constant(1), fc.double({ min: -3, max: 3, noNaN: true })),
  y: fc.oneof(fc.constant(1), fc.double({ min: -3, max: 3, noNaN: true })),
  lr: fc.oneof(fc.constantFrom(1e-4, 0.001, 0.01, 0.1, 1, 10), fc.double({ min: 1e-5, max: 20, noNaN: true })),
  steps: fc.integer({ min: 1, max: 60 }),
  clip: fc.option(fc.constantFrom(0.1, 1, 5, 50), { nil: null }),
  w: fc.oneof(fc.constantFrom(0.5, 1, 4, 20, 50, 500, -3), fc.double({ min: -600, max: 600, noNaN: true })),
  b: fc.oneof(fc.constant(null), fc.constant('centered' as const), fc.double({ min: -5, max: 5, noNaN: true })),
  wLayers: fc.oneof(fc.constant({}), fc.record({ 1: fc.double({ min: -50, max: 50, noNaN: true }) })),
  bLayers: fc.constant({}),
});

function expectWellFormed(q: Question): void {
  expect(q.choices.length).toBeGreaterThanOrEqual(3);
  expect(q.choices.length).toBeLessThanOrEqual(5);
  expect(new Set(q.choices).size).toBe(q.choices.length);
  for (const c of q.choices) {
    expect(c.length).toBeGreaterThan(0);
    expect(c.length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
    expect(c).not.toMatch(/NaN|∞|undefined/);
  }
  expect(Number.isInteger(q.answer) && q.answer >= 0 && q.answer < q.choices.length).toBe(true);
  expect(q.explanation.length).toBeGreaterThan(20);
}

/** What "fixed" means for each criterion a run-fix question can name, re-derived here from the engine. */
const fixedBy: Record<string, (r: RunResult) => boolean> = {
  'keeps the weights in range': (r) => r.diverged_at === null && verdictOf(r).growth < 10,
  'brings the chain gain below 10': (r) => r.diverged_at === null && verdictOf(r).gain < 10,
  'leaves no neuron saturated': (r) => r.diverged_at === null && verdictOf(r).flatLayers.length === 0,
  'brings the chain gain above 0.1': (r) => r.diverged_at === null && verdictOf(r).gain > 0.1,
};

/** Applies a run-fix choice to the spec, read from its text. */
function applyChange(spec: RunSpec, label: string): RunSpec {
  if (label.startsWith('A sane init')) return healthyBaseline(spec);
  const m = /\((lr|clip|steps|depth|w)=([^)]+)\)$/.exec(label);
  if (!m) throw new Error(`unreadable change: ${label}`);
  const v = Number(m[2]);
  if (m[1] === 'w') return { ...spec, w: v, wLayers: Object.fromEntries(Object.entries(spec.wLayers).map(([k, x]) => [k, x * 2])) };
  return { ...spec, [m[1]!]: v };
}

/** Checks one run question against the engine's own numbers for that run. */
function expectMatchesEngine(spec: RunSpec, run: RunResult, q: Question): void {
  const right = q.choices[q.answer]!;
  const wrong = q.choices.filter((_, i) => i !== q.answer);
  const p = run.params;
  switch (q.kind as RunKind) {
    case 'run-bound': {
      const bound = activation[p.act].peak * Math.abs(p.w[1]!);
      expect(right).toBe(num(bound));
      expect(run.step0.factors.find((f) => f.label === 'do2/do1')!.bound).toBe(bound);
      break;
    }
    case 'run-update':
      expect(right).toBe(num(run.trajectory.w[1]![0]!));
      break;
    case 'run-smallest': {
      const sizes = run.step0.factors.map((f) => [f.label, Math.abs(f.value)] as const).sort((a, b) => a[1] - b[1]);
      expect(right).toBe(sizes[0]![0]);
      for (const d of wrong) expect(Math.abs(run.step0.factors.find((f) => f.label === d)!.value)).toBeGreaterThan(sizes[0]![1]);
      break;
    }
    case 'run-diverge':
      if (run.diverged_at === null) expect(right).toMatch(/^No:/);
      else expect(right).toBe(`Yes, it overflows at step ${run.diverged_at}`);
      break;
    case 'run-fix': {
      const crit = Object.keys(fixedBy).find((k) => q.question.includes(k));
      expect(crit).toBeDefined();
      const fixed = fixedBy[crit!]!;
      expect(fixed(run)).toBe(false);
      expect(fixed(simulate(applyChange(spec, right)))).toBe(true);
      expect(right).toMatch(/^(A smaller learning rate|A sane init|Clip the gradient norm)/);
      for (const d of wrong) expect(fixed(simulate(applyChange(spec, d)))).toBe(false);
      break;
    }
  }
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
  });

  it('for a few hundred random runs: right answers match the engine, distractors are distinct', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(specArb, fc.nat(), (spec, seed) => {
        const run = simulate(spec);
        for (const kind of RUN_KINDS) {
          const q = runQuestionOfKind(spec, seed, kind, run);
          if (!q) continue;
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
          expect(q.kind).toBe(kind);
          expectWellFormed(q);
          expectMatchesEngine(spec, run, q);
          expect(runQuestionOfKind(spec, seed, kind, run)).toEqual(q);
        }
        // There is always some question about a run.
        expectWellFormed(runQuestion(spec, seed, { run }));
      }),
      { numRuns: 300, seed: 20260105 },
    );
    // Every kind was exercised, so the property covered them all.
    for (const kind of RUN_KINDS) expect(seen.get(kind) ?? 0).toBeGreaterThan(10);
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
