import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../src/engine/index.ts';
import { INITS, layersParams, simulateLayers, type LayersParams } from '../../src/engine/layers/index.ts';
import { fixCandidates, layersQuestion, layersQuizFacts, within10x } from '../../src/quiz/layers-questions.ts';
import { LAYERS_KINDS, MAX_CHOICE_CHARS } from '../../src/quiz/types.ts';

/** Small runs of every activation and init, so thousands stay quick. */
const params = fc
  .record({
    depth: fc.integer({ min: 1, max: 8 }),
    width: fc.integer({ min: 1, max: 6 }),
    batch: fc.integer({ min: 1, max: 4 }),
    act: fc.constantFrom(...ACTIVATIONS),
    init: fc.constantFrom(...INITS),
    std: fc.constantFrom(0.01, 0.1, 1, 3),
    w: fc.constantFrom(-2, 0.1, 1, 500),
    gain: fc.constantFrom(1, 0.5, 2),
    seed: fc.nat(),
    steps: fc.integer({ min: 0, max: 2 }),
  })
  .map((o): LayersParams => layersParams(o));

describe('/layers quiz questions', () => {
  it('every marked answer is the only right one, checked against the engine again', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(params, fc.nat(), (p, seed) => {
        const run = simulateLayers(p);
        const facts = layersQuizFacts(run);
        for (const kind of LAYERS_KINDS) {
          const q = layersQuestion(run, facts, seed, kind);
          if (!q) continue;
          seen.add(kind);
          expect(new Set(q.choices).size).toBe(q.choices.length);
          expect(q.choices.length).toBeGreaterThanOrEqual(3);
          for (const c of q.choices) expect(c.length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
          const right = q.choices[q.answer]!;
          const s = run.step0;
          if (kind === 'layers-smallest') {
            const layerOf = (c: string) => Number(/^layer (\d+)$/.exec(c)![1]);
            const g = (c: string) => s.grad_norm_w[layerOf(c) - 1]!;
            for (const c of q.choices) if (c !== right) expect(g(c)).toBeGreaterThan(g(right));
            expect(g(right)).toBe(Math.min(...s.grad_norm_w));
          }
          if (kind === 'layers-fix') {
            // Re-run every choice from scratch, whole training included, and read its step-0 ratio.
            const byChange = new Map(fixCandidates(p).map((c) => [c.change, c]));
            expect(within10x(run.ratio_first_last)).toBe(false);
            for (const c of q.choices) {
              const ratio = simulateLayers(byChange.get(c)!.apply(p)).ratio_first_last;
              expect(within10x(ratio), `${c} in ${JSON.stringify(p)}`).toBe(c === right);
            }
          }
          if (kind === 'layers-saturated') {
            const k = Number(/layer (\d+)'s/.exec(q.question)![1]);
            const share = 100 * s.saturated[k - 1]!;
            expect(right).toBe(`${Math.round(share)}%`);
            for (const c of q.choices) if (c !== right) expect(Math.abs(Number(c.replace('%', '')) - share)).toBeGreaterThan(4);
          }
          if (kind === 'layers-xavier-sigmoid') {
            expect(p).toMatchObject({ act: 'sigmoid', init: 'xavier', gain: 1 });
            expect(run.verdict).toBe('vanishing');
            if (q.choices.some((c) => c.startsWith('Xavier makes the weights so large'))) expect(Math.max(...s.saturated)).toBeLessThan(0.1);
          }
        }
      }),
      { numRuns: 1500, seed: 17 },
    );
    expect([...seen].sort()).toEqual([...LAYERS_KINDS].sort());
  });

  it('the same seed asks the same question', () => {
    const run = simulateLayers(layersParams({ depth: 5, width: 6, batch: 3, init: 'normal', std: 0.01, steps: 1 }));
    const facts = layersQuizFacts(run);
    expect(layersQuestion(run, facts, 9)).toEqual(layersQuestion(run, facts, 9));
  });
});
