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
export function expectNumbersFrom(q: Question, derived: readonly (number | string)[], shared: ReadonlySet<string> = new Set()): void {
  const allowed = new Set<string>([...numbersIn(q.question), ...shown(derived)]);
  for (const n of numbersIn(q.explanation)) {
    ensure(allowed.has(n) || shared.has(n), () => `${n} in "${q.explanation}" is none of ${[...allowed, ...shared].join(' | ')}`);
  }
}

/** Values as the text shows them. */
export function shown(values: readonly (number | string)[]): Set<string> {
  return new Set(values.map((v) => (typeof v === 'string' ? v : num(v))));
}

/** A check for hot loops: vitest's expect costs tens of microseconds a call, and these run millions of times. */
export function ensure(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

/** Shape and notation every question must keep, whatever its kind. */
export function expectWellFormed(q: Question): void {
  const where = () => JSON.stringify(q);
  ensure(q.choices.length >= 3 && q.choices.length <= 5, where);
  ensure(new Set(q.choices).size === q.choices.length, where);
  for (const c of q.choices) ensure(c.length > 0 && c.length <= MAX_CHOICE_CHARS && !/NaN|∞|undefined/.test(c), () => `choice ${c}`);
  ensure(Number.isInteger(q.answer) && q.answer >= 0 && q.answer < q.choices.length, where);
  ensure(q.explanation.length > 40 && !/NaN/.test(q.explanation), where);
  for (const t of [q.question, q.explanation]) {
    ensure(!/undefined|\[object/.test(t), () => t);
    // A negative after an operator or before a square is parenthesised: "× (−2)", "(−12)²".
    ensure(!/[×+−/] −\d/.test(t) && !/(?<!\()−\d[\d.,]*²/.test(t), () => `unparenthesised negative: ${t}`);
    // Sentences start with a capital, symbols (σ, tanh(5), w = 1) are never capitalised.
    ensure(!/(^|\. )(Σ|Tanh|Relu|W =)/.test(t), () => `capitalised symbol: ${t}`);
  }
}
