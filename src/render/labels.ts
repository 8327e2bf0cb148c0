import { activation, defaultBias, type Activation, type RunParams } from '../engine/index.ts';
import { fmt, sciParts, superscript } from '../format/number.ts';

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

/** 12 -> "₁₂", for labels drawn as plain text (w₁, z₃, do₃/do₂). */
export function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT[Number(d)]!);
}

/** An engine factor label with its layer numbers as subscripts: "do3/do2" -> "do₃/do₂". */
export function prettyLabel(label: string): string {
  return label.replace(/([a-z])(\d+)/g, (_, c: string, d: string) => c + sub(Number(d)));
}

/** The activation's derivative symbol with a true prime: σ′, relu′. */
export function primeSymbol(act: Activation): string {
  return activation[act].symbol.replace("'", '′');
}

/** "w = 500" when every layer shares it, else the first layers' values. */
function perLayer(name: string, xs: readonly number[]): string {
  if (xs.every((v) => Object.is(v, xs[0]))) return `${name} = ${fmt(xs[0]!)}`;
  const shown = xs.slice(0, 3).map((v, i) => `${name}${sub(i + 1)} = ${fmt(v)}`);
  return shown.join(', ') + (xs.length > 3 ? ', …' : '');
}

/** Whether the biases are the activation's default: centred (each z = 0) for sigmoid and tanh, 0 for relu and linear. */
export function defaultBiases(p: RunParams): boolean {
  const phi0 = activation[p.act].phi(0);
  return p.b.every((b, i) => {
    const want = defaultBias(p.act) === 0 ? 0 : -p.w[i]! * (i === 0 ? p.x : phi0);
    return b === want;
  });
}

/** The run's settings in one line, as a card's subtitle; b only when it is not the default. */
export function paramsLine(p: RunParams): string {
  const parts = [perLayer('w', p.w), ...(defaultBiases(p) ? [] : [perLayer('b', p.b)]), `lr = ${fmt(p.lr)}`, p.act, `depth ${p.depth}`, `x = ${fmt(p.x)}`, `y = ${fmt(p.y)}`, `${p.steps} steps`];
  if (p.clip !== null) parts.push(`clip ${fmt(p.clip)}`);
  return parts.join('  ·  ');
}

/** Numbers in alt text: no superscripts (screen readers spell them out), 7.1 × 10^-218 instead. */
export function altNum(v: number): string {
  return fmt(v).replace(/10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, (_, e: string) => `10^${[...e].map((c) => (c === '⁻' ? '-' : String('⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c)))).join('')}`);
}

/** fmt, but big numbers in scientific form too, for the narrow spaces under the chain's boxes. */
export function compactNum(v: number): string {
  if (!Number.isFinite(v) || Math.abs(v) < 1e5) return fmt(v);
  const { mantissa, exponent } = sciParts(v);
  return `${mantissa} × 10${superscript(exponent)}`;
}
