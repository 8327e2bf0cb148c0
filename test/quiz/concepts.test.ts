import { describe, expect, it } from 'vitest';
import { activation, workedExample } from '../../src/engine/index.ts';
import { fmt } from '../../src/format/number.ts';
import { makeQuestion } from '../../src/quiz/generate.ts';
import { MAX_CHOICE_CHARS, TOPICS, type Question } from '../../src/quiz/types.ts';

const num = (v: number) => fmt(v, 'unicode');
const SEEDS = Array.from({ length: 120 }, (_, i) => i * 7919 + 3);

function numbersIn(s: string): number[] {
  return [...s.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
}

/** Re-derives the right answer of a numeric concept question from its text; null for text questions. */
function expected(q: Question): string | null {
  const t = q.question;
  let m: RegExpExecArray | null;
  if ((m = /factors of dloss\/dw are ([\d, ]+); w = (\d+), lr = (\d+(?:\.\d+)?)/.exec(t))) {
    return num(workedExample(numbersIn(m[1]!), Number(m[2]), Number(m[3])).w_new);
  }
  if ((m = /A sigmoid neuron has z = (\d+(?:\.\d+)?)\. What is σ'\(z\)/.exec(t))) return num(activation.sigmoid.dphi(Number(m[1])));
  if ((m = /A tanh neuron has z = (\d+(?:\.\d+)?)/.exec(t))) return num(1 - Math.tanh(Number(m[1])) ** 2);
  if ((m = /A ReLU neuron has z = (\d+(?:\.\d+)?)/.exec(t))) return num(Number(m[1]) > 0 ? 1 : 0);
  if ((m = /fan_in = (\d+) and fan_out = (\d+)/.exec(t))) return num(2 / (Number(m[1]) + Number(m[2])));
  if ((m = /He \(Kaiming\).*fan_in = (\d+)/.exec(t))) return num(Math.sqrt(2 / Number(m[1])));
  if ((m = /The gradient is \((-?\d+), (-?\d+)\)\. With global-norm clipping at clip = (\d+)/.exec(t))) {
    const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const s = c / Math.hypot(a, b);
    return `(${num(a * s)}, ${num(b * s)})`;
  }
  if ((m = /A chain of (\d+) sigmoid neurons, every w = (\d+)/.exec(t)) || (m = /(\d+) sigmoid neurons in a chain, every w = (\d+)/.exec(t))) {
    return num((0.25 * Number(m[2])) ** (Number(m[1]) - 1));
  }
  if (/which weight makes every link/.test(t)) return num(1 / activation.sigmoid.peak);
  return null;
}

describe('the concept bank', () => {
  for (const topic of TOPICS) {
    it(`asks well-formed, reproducible ${topic} questions`, () => {
      const texts = new Set<string>();
      for (const seed of SEEDS) {
        const q = makeQuestion({ seed, topic });
        expect(makeQuestion({ seed, topic })).toEqual(q);
        expect(q.kind.startsWith(topic === 'lecture' ? 'run-' : `concept-${topic}`)).toBe(true);
        expect(q.choices.length).toBeGreaterThanOrEqual(3);
        expect(q.choices.length).toBeLessThanOrEqual(5);
        expect(new Set(q.choices).size).toBe(q.choices.length);
        for (const c of q.choices) expect(c.length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
        expect(q.explanation.length).toBeGreaterThan(40);
        texts.add(q.question);
      }
      expect(texts.size).toBeGreaterThan(1);
    });
  }

  it('computes every numeric concept answer (checked against an independent formula)', () => {
    let numeric = 0;
    for (const topic of TOPICS.filter((t) => t !== 'lecture')) {
      for (const seed of SEEDS) {
        const q = makeQuestion({ seed, topic });
        const want = expected(q);
        if (want === null) continue;
        numeric++;
        expect(q.choices[q.answer], q.question).toBe(want);
      }
    }
    expect(numeric).toBeGreaterThan(200);
  });

  it('draws a topic from the seed when none is given', () => {
    const topics = new Set(SEEDS.map((seed) => makeQuestion({ seed }).topic));
    expect(topics.size).toBeGreaterThanOrEqual(5);
  });
});
