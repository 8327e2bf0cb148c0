import type { LayersRun } from '../engine/layers/index.ts';
import { fmt, type NumberStyle } from './number.ts';

/** The headline word of each verdict. */
export const LAYERS_VERDICT_TITLE = { healthy: 'Healthy', exploding: 'Exploding', vanishing: 'Vanishing', diverged: 'Diverged' } as const;

/** Layer k (1-based) where the gradient first becomes exactly 0 on its way back, or null. */
export function firstZeroLayer(run: LayersRun): number | null {
  for (let k = run.params.depth; k >= 1; k--) if (run.step0.gain[k - 1] === 0) return k;
  return null;
}

/** The geometric mean of the gains: what one layer does to the gradient on average (ratio^(1/L), exactly). */
export function meanGain(run: LayersRun): number | null {
  const r = run.ratio_first_last;
  return r === null || !Number.isFinite(r) || r <= 0 ? null : Math.pow(r, 1 / run.params.depth);
}

/** A number rounded for a sentence: 989.08 -> 989, 0.0774 -> 0.077. */
export function approx(v: number, style: NumberStyle = 'unicode', digits = 3): string {
  return Number.isFinite(v) && v !== 0 ? fmt(Number(v.toPrecision(digits)), style) : fmt(v, style);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * What the stack did to the gradient on its way back at step 0, in this run's
 * numbers, as a clause (lower-case; see gradientSentence). Every clause checks the number
 * it states: the ratio is the product of the gains, the average gain its L-th root, a zero names its layer.
 */
export function gradientClause(run: LayersRun, style: NumberStyle = 'unicode'): string {
  const n = (v: number) => fmt(v, style);
  const p = run.params;
  const r = run.ratio_first_last;
  const layers = p.depth === 1 ? 'the one layer' : `${p.depth} layers`;
  if (r === null) return 'the loss sends no gradient back at step 0 (dloss/dH is exactly 0), so there is nothing to pass through the layers.';
  if (Number.isNaN(r)) return 'at step 0 the gradient overflowed on its way back (NaN), so how much the layers multiply it cannot be measured.';
  if (r === 0) {
    const k = firstZeroLayer(run)!;
    const sat = run.step0.saturated[k - 1]!;
    const why = p.act === 'relu' ? `${n(100 * sat)}% of its units are dead` : p.act === 'linear' ? 'its weights cancel it' : `${n(100 * sat)}% of its units are saturated`;
    return `no gradient at all reaches the input: layer ${k} passes back exactly 0 (${why}).`;
  }
  const g = meanGain(run);
  const times = r >= 1 ? `${approx(r, style)}×` : approx(r, style);
  const after = `${layers} ${r >= 1 ? 'make it' : 'leave'} ${times} ${r >= 1 ? 'what it was' : 'of it'}`;
  if (g === null || p.depth === 1) return `the ${p.act} stack multiplies the gradient by ${times.replace('×', '')} on its way back.`;
  return `each ${p.act} layer multiplies the gradient by about ${approx(g, style, 2)} on its way back: ${after}.`;
}

export function gradientSentence(run: LayersRun, style: NumberStyle = 'unicode'): string {
  return capital(gradientClause(run, style));
}

/** The one line a student reads first: the verdict and why, in this run's numbers. */
export function layersVerdictLine(run: LayersRun, style: NumberStyle = 'unicode'): string {
  const n = (v: number) => fmt(v, style);
  const title = LAYERS_VERDICT_TITLE[run.verdict];
  if (run.verdict === 'diverged') {
    const t = run.diverged_at!;
    const what = run.trajectory.loss.length > t ? 'the loss became non-finite' : 'the weights became non-finite';
    return `${title} at step ${t}: ${what} with lr=${n(run.params.lr)}. ${gradientSentence(run, style)}`;
  }
  return `${title}: ${gradientClause(run, style)}`;
}
