import { expect } from 'vitest';
import { fmt } from '../../src/format/number.ts';
import { MAX_CHOICE_CHARS, type Question } from '../../src/quiz/types.ts';

/** Numbers as a person reads them in gradbot's text. */
export const num = (v: number) => fmt(v, 'unicode');

/** A share as the explanations write it: 7.1%, 45%. */
export function pct(share: number): string {
  const p = share * 100;
  return `${p >= 10 ? Math.round(p) : Number(p.toPrecision(2))}`;
}

/**
 * Every number written in a text: grouped, decimal, scientific (× 10⁻⁶) and
 * negative (a true minus sign). Indices that belong to a name (w1, do2, o10,
 * z_k, 0.25^9) are not numbers and are skipped.
 */
export function numbersIn(text: string): string[] {
  const re = /(?<![\p{L}\d_^.,'′−])(?<![\p{L}'′]\()−?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?(?![\d_])/gu;
  return [...text.matchAll(re)].map((m) => m[0]);
}

/**
 * Each number in the explanation is one the test derived independently, or
 * one the question itself states: an explanation never invents a figure.
 */
export function expectNumbersFrom(q: Question, derived: readonly (number | string)[]): void {
  const allowed = new Set<string>([...numbersIn(q.question), ...derived.map((v) => (typeof v === 'string' ? v : num(v)))]);
  for (const n of numbersIn(q.explanation)) {
    expect(allowed.has(n), `${n} in "${q.explanation}" is none of ${[...allowed].join(' | ')}`).toBe(true);
  }
}

/** Shape and notation every question must keep, whatever its kind. */
export function expectWellFormed(q: Question): void {
  expect(q.choices.length).toBeGreaterThanOrEqual(3);
  expect(q.choices.length).toBeLessThanOrEqual(5);
  expect(new Set(q.choices).size).toBe(q.choices.length);
  for (const c of q.choices) {
    expect(c.length).toBeGreaterThan(0);
    expect(c.length).toBeLessThanOrEqual(MAX_CHOICE_CHARS);
    expect(c).not.toMatch(/NaN|∞|undefined/);
  }
  expect(Number.isInteger(q.answer) && q.answer >= 0 && q.answer < q.choices.length).toBe(true);
  expect(q.explanation.length).toBeGreaterThan(40);
  expect(q.explanation).not.toMatch(/NaN/);
  for (const t of [q.question, q.explanation]) {
    expect(t).not.toMatch(/undefined|\[object/);
    // A negative after an operator or before a square is parenthesised: "× (−2)", "(−12)²".
    expect(t, t).not.toMatch(/[×+−/] −\d/);
    expect(t, t).not.toMatch(/(?<!\()−\d[\d.,]*²/);
    // Sentences start with a capital, symbols (σ, tanh(5), w = 1) are never capitalised.
    expect(t, t).not.toMatch(/(^|\. )(Σ|Tanh|Relu|W =)/);
  }
}
