import { clipText } from '../format/clip.ts';
import { fmt } from '../format/number.ts';
import type { Rng } from './prng.ts';
import { MAX_CHOICE_CHARS, MAX_CHOICES, MIN_CHOICES } from './types.ts';

/** Numbers as the choices show them; distinctness is judged on this text, what the student sees. */
export const num = (v: number): string => fmt(v, 'unicode');

/** A number in running text that reads right after a minus or times sign. */
export const paren = (v: number): string => (v < 0 ? `(${num(v)})` : num(v));

export function clipChoice(s: string): string {
  return clipText(s, MAX_CHOICE_CHARS);
}

/**
 * The right answer among distractors: duplicates (of the answer or of each
 * other) and non-finite numbers are dropped, at most MAX_CHOICES - 1 kept (in
 * the given order: the likeliest misconceptions first), and the answer placed
 * at a seeded position. Null when fewer than two distractors survive.
 */
export function arrange(rng: Rng, right: string, distractors: readonly string[]): { choices: string[]; answer: number } | null {
  const r = clipChoice(right);
  const seen = new Set([r]);
  const kept: string[] = [];
  for (const d of distractors.map(clipChoice)) {
    if (seen.has(d) || d === '' || d.includes('NaN') || d.includes('∞')) continue;
    seen.add(d);
    kept.push(d);
    if (kept.length === MAX_CHOICES - 1) break;
  }
  if (kept.length < MIN_CHOICES - 1) return null;
  const choices = rng.shuffle(kept);
  const answer = rng.int(choices.length + 1);
  choices.splice(answer, 0, r);
  return { choices, answer };
}

/** Number choices: the engine's value and misconception values, compared as displayed. */
export function arrangeNumbers(rng: Rng, right: number, distractors: readonly number[]) {
  if (!Number.isFinite(right)) return null;
  return arrange(rng, num(right), distractors.filter(Number.isFinite).map(num));
}
