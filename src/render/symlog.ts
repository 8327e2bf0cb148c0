import { fmt, superscript } from '../format/number.ts';

/**
 * A symmetric log axis: one unit per decade beyond ±c, and a linear band
 * around zero so that 0 sits visibly apart from the smallest magnitude. Weights
 * that cross zero, shrink to 10⁻³⁰⁰ or grow to 10³⁰⁸ share one honest scale.
 * Values are plotted as to(v) on a linear axis.
 */
export interface SymLog {
  /** The linear threshold, a power of ten: the smallest magnitude the data shows. */
  c: number;
  to(v: number): number;
  /** The axis range in axis units, and tick positions inside it. */
  min: number;
  max: number;
  ticks: number[];
  label(t: number): string;
}

const STEPS = [1, 2, 5, 10, 20, 25, 50, 100];

/**
 * `marks`: values whose decade gets a labelled tick before any other (after 0),
 * e.g. the loss a run ends at, so a plateau is never read off an unlabelled stretch.
 */
export function symlogFor(input: Iterable<number>, maxTicks = 6, nonNegative = false, marks: readonly number[] = []): SymLog {
  const values = [...input].filter(Number.isFinite);
  let smallest = Infinity;
  let largest = 0;
  for (const v of values) {
    const a = Math.abs(v);
    if (a > 0 && a < smallest) smallest = a;
    if (a > largest) largest = a;
  }
  // Below 10⁻³⁰⁷ powers of ten are subnormal and lose precision; no chart needs finer.
  const ce = Number.isFinite(smallest) ? Math.max(-307, Math.floor(Math.log10(smallest))) : 0;
  const c = 10 ** ce;
  const decades = largest > 0 ? Math.log10(largest) - ce : 0;
  const step = STEPS.find((s) => decades / s <= maxTicks - 2) ?? Math.ceil(decades / (maxTicks - 2) / 100) * 100;
  // The zero band: one decade's height, or more on wide axes so 0 never hugs the data.
  const z = Math.max(1, step * 0.4);
  const to = (v: number) => {
    const a = Math.abs(v);
    return a <= c ? (v / c) * z : Math.sign(v) * (z + Math.log10(a) - ce);
  };
  const ofExp = (e: number) => z + e - ce;

  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    const t = to(v);
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 0];

  // Candidate ticks: zero, and every decade that is a multiple of step, on the sides the data uses.
  const topE = Math.ceil(Math.log10(Math.max(largest, c))) + step;
  const decadeTicks: number[] = [];
  for (let e = Math.ceil(ce / step) * step; e <= topE; e += step) decadeTicks.push(ofExp(e));
  const candidates = [...decadeTicks.map((t) => -t).reverse(), 0, ...decadeTicks];

  // Frame the data: stretch each end to a nearby tick, else pad a little.
  const span = Math.max(hi - lo, 1);
  const below = candidates.filter((t) => t <= lo).pop();
  const above = candidates.find((t) => t >= hi);
  const reach = step <= 2 ? step : span * 0.08;
  let min = below !== undefined && lo - below <= reach ? below : lo - span * 0.04;
  let max = above !== undefined && above - hi <= reach ? above : hi + span * 0.04;
  if (max - min < 1e-9) [min, max] = nonNegative ? [min, max + z] : [min - z, max + z];
  // Lines that run along the frame would hide in it.
  const edge = (max - min) * 0.03;
  if (lo - min < edge) min -= edge;
  if (max - hi < edge) max += edge;

  // Ticks by priority (zero, round decades, the threshold, then one decade inside each
  // side the data reaches), skipping any too close to one already taken so labels never overlap.
  const gap = (max - min) / (maxTicks * 1.25);
  const sideMax = (sign: number) => values.reduce((m, v) => (Math.sign(v) === sign ? Math.max(m, Math.abs(v)) : m), 0);
  const inner = [1, -1].flatMap((sign) => {
    const a = sideMax(sign);
    return a > c * 10 ? [sign * ofExp(Math.floor(Math.log10(a)))] : [];
  });
  const ticks: number[] = [];
  const marked = marks.filter((m) => Number.isFinite(m) && Math.abs(m) >= c).map((m) => Math.sign(m) * ofExp(Math.floor(Math.log10(Math.abs(m)))));
  for (const t of [0, ...marked, ...candidates.filter((x) => x !== 0), z, -z, ...inner]) {
    if (t < min - 1e-9 || t > max + 1e-9) continue;
    if (ticks.every((u) => Math.abs(t - u) >= gap)) ticks.push(t);
  }
  ticks.sort((a, b) => a - b);

  const label = (t: number) => {
    if (Math.abs(t) < 1e-9) return '0';
    const a = Math.abs(t);
    if (a < z) return fmt((t / z) * c);
    const e = Math.round(ce + a - z);
    if (e >= -3 && e <= 6) return fmt(Math.sign(t) * 10 ** e);
    return `${t < 0 ? '−' : ''}10${superscript(e)}`;
  };
  return { c, to, min, max, ticks, label };
}
