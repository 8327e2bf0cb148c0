/**
 * Numbers written for people: 93,750,000 and -937,000, 7.1 × 10^-218, never 1e+308.
 * `sci` gives the parts so a renderer can typeset the exponent as a superscript.
 */
export interface SciParts {
  mantissa: string;
  exponent: number;
}

const MINUS = '−';

export function sciParts(v: number, digits = 2): SciParts {
  const [m, e] = Math.abs(v).toExponential(digits - 1).split('e');
  const mantissa = (v < 0 ? MINUS : '') + m!.replace(/\.?0+$/, '');
  return { mantissa, exponent: Number(e) };
}

/** Whether a number is best written in scientific form. */
export function needsSci(v: number): boolean {
  const a = Math.abs(v);
  return Number.isFinite(v) && a !== 0 && (a >= 1e12 || a < 1e-4);
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
};

export function superscript(n: number): string {
  return String(n).replace(/./g, (c) => SUPERSCRIPT[c] ?? c);
}

// toLocaleString with options builds a new Intl.NumberFormat on every call (tens of µs, thousands per picture); the same formatter, kept.
const formatters = new Map<number, Intl.NumberFormat>();

function grouped(v: number, maxFraction: number): string {
  let f = formatters.get(maxFraction);
  if (!f) formatters.set(maxFraction, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: maxFraction, useGrouping: true })));
  const s = f.format(Math.abs(v));
  return (v < 0 && s !== '0' ? MINUS : '') + s;
}

export type NumberStyle = 'unicode' | 'ascii';

/**
 * One number for a person. `unicode` writes 7.1 × 10⁻²¹⁸ and a true minus sign;
 * `ascii` writes 7.1 x 10^-218 and '-', for terminals and chat code blocks.
 */
export function fmt(v: number, style: NumberStyle = 'unicode'): string {
  let out: string;
  if (Number.isNaN(v)) out = 'NaN';
  else if (!Number.isFinite(v)) out = v > 0 ? '∞' : `${MINUS}∞`;
  else if (needsSci(v)) {
    const { mantissa, exponent } = sciParts(v);
    out = style === 'unicode' ? `${mantissa} × 10${superscript(exponent)}` : `${mantissa} x 10^${exponent}`;
  } else {
    const a = Math.abs(v);
    // Keep about four significant digits below 1, whole numbers with separators above.
    const frac = a >= 1e6 ? 0 : a >= 1000 ? 2 : a >= 1 ? 4 : Math.min(8, 3 - Math.floor(Math.log10(a)));
    out = grouped(v, frac);
  }
  if (style === 'ascii') out = out.replaceAll(MINUS, '-').replaceAll('∞', 'Infinity');
  return out;
}
