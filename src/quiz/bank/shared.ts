import { arrange, arrangeNumbers, num } from '../choices.ts';
import type { Rng } from '../prng.ts';
import { activation, EXPLODING_GAIN, lectureSpec, SATURATED_SHARE, simulate, VANISHING_GAIN, verdictOf, type RunSpec } from '../../engine/index.ts';
import type { Question, Topic } from '../types.ts';

export type ConceptTopic = Exclude<Topic, 'lecture'>;
export type Template = (rng: Rng) => Question | null;

/**
 * A wrong value a known misconception gives, and the sentence that names it.
 * `why` receives the value as displayed.
 */
export interface Slip {
  value: number;
  why: (shown: string) => string;
}

/**
 * A numeric question whose explanation names only the slips that made it onto
 * the buttons: a slip whose value equals the answer (as displayed) is dropped
 * with its sentence, so no sentence calls the right number a mistake.
 */
export function numeric(
  rng: Rng,
  topic: ConceptTopic,
  question: string,
  right: number,
  slips: readonly Slip[],
  explain: (slipNotes: string) => string,
): Question | null {
  const c = arrangeNumbers(rng, right, slips.map((s) => s.value));
  if (!c) return null;
  const rightShown = num(right);
  const wrong = new Set(c.choices.filter((_, i) => i !== c.answer));
  const used = new Set<string>();
  const notes: string[] = [];
  for (const s of slips) {
    const shown = num(s.value);
    if (shown === rightShown || !wrong.has(shown) || used.has(shown)) continue;
    used.add(shown);
    notes.push(s.why(shown));
  }
  const slipNotes = notes.length ? ` ${notes.map(capitalise).join('. ')}.` : '';
  return { kind: `concept-${topic}`, topic, question, ...c, explanation: explain(slipNotes) };
}

/** Capitalises a sentence that starts with an English word, never a symbol such as "tanh(5)" or "w = 1". */
export function capitalise(s: string): string {
  return /^[a-z]{2,}\s/.test(s) ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** A value that displays as 1 but is not 1: said as "≈ 1 (1 − 4.5 × 10⁻⁵)", so later arithmetic still reads right. */
export function nearOne(v: number): string {
  return num(v) === '1' && v !== 1 ? `≈ 1 (1 − ${num(1 - v)})` : `= ${num(v)}`;
}

/** A fixed question with text choices; every wrong choice names a misconception. */
export const text =
  (topic: ConceptTopic, question: string, right: string, wrong: string[], explanation: string): Template =>
  (rng) => {
    const c = arrange(rng, right, wrong);
    return c && { kind: `concept-${topic}`, topic, question, ...c, explanation };
  };

/**
 * A statement about a run, with the check on that run's own numbers that makes
 * it true. A claims question is asked only when exactly one claim holds.
 */
export interface Claim<F> {
  text: string;
  holds(facts: F): boolean;
}

export function claims<F>(rng: Rng, topic: ConceptTopic, question: string, facts: F, all: readonly Claim<F>[], explanation: string): Question | null {
  const right = all.filter((c) => c.holds(facts));
  if (right.length !== 1) return null;
  const c = arrange(rng, right[0]!.text, all.filter((x) => x !== right[0]).map((x) => x.text));
  return c && { kind: `concept-${topic}`, topic, question, ...c, explanation };
}

/** The backward gain of the chain at step 0, from the engine: the product of |do_k/do_(k-1)|. */
export const gainOf = (spec: RunSpec): number => verdictOf(simulate({ ...spec, steps: 1 })).gain;
/** A centred sigmoid chain's gain, (0.25 w)^(L-1), as the engine computes it. */
export const chainGain = (w: number, depth: number, act: RunSpec['act'] = 'sigmoid'): number => gainOf(lectureSpec({ w, depth, act, steps: 1 }));

/** How a gain compares with the lines the verdict draws, in one clause. */
export function gainWord(gain: number): string {
  if (gain >= EXPLODING_GAIN) return `at or above ${EXPLODING_GAIN}, where gradbot calls a chain exploding`;
  if (gain <= VANISHING_GAIN) return `at or below ${VANISHING_GAIN}, where gradbot calls a chain vanishing`;
  return `between ${VANISHING_GAIN} and ${EXPLODING_GAIN}, which gradbot counts as neither exploding nor vanishing`;
}

/** Whether a slope phi'(z) is below the saturation line, and how to say it. */
export function slopeWord(act: keyof typeof activation, d: number): { saturated: boolean; text: string } {
  const peak = activation[act].peak;
  const share = d / peak;
  if (share < SATURATED_SHARE) return { saturated: true, text: `below 1/${1 / SATURATED_SHARE} of its peak ${num(peak)}: the neuron is saturated and passes back almost nothing` };
  return {
    saturated: false,
    text: `${share < 0.1 ? 'only ' : ''}${percent(share)} of its peak ${num(peak)}: down the slope, though not below the 1/${1 / SATURATED_SHARE} of the peak where gradbot calls a neuron saturated`,
  };
}

/** A share as a percentage with two significant digits: 2.6%, 45%. */
export function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 ? Math.round(p) : Number(p.toPrecision(2))}%`;
}

/** "a, b and c". */
export function listOf(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
