import { num, paren } from './choices.ts';
import { listOf } from './bank/shared.ts';
import {
  activation,
  EXPLODING_GAIN,
  frozenFrom,
  gradientIsZero,
  gradientSize,
  overflowOf,
  saturatedLayers,
  SATURATED_SHARE,
  targetReach,
  VANISHING_GAIN,
  type RunResult,
} from '../engine/index.ts';

/**
 * What a run did, in sentences picked by the run's own trajectory: growth is
 * said only where the largest weight rose, saturation only where phi' fell
 * below the stated share of its peak, freezing only where an update changed
 * nothing, overflow only where the engine's loop stopped.
 */

/** The largest |w_k| of a recorded row. */
export const maxAbsW = (run: RunResult, t: number): number => Math.max(...run.trajectory.w[t]!.map(Math.abs));

/** "layer 2", "layers 1, 2 and 3". */
export function layersText(ks: readonly number[]): string {
  return `${ks.length === 1 ? 'layer' : 'layers'} ${listOf(ks.map(String))}`;
}

/** "layers 1 and 2 are saturated (σ' below 1/1000 of its peak 0.25)", "layer 3 is dead (z ≤ 0, relu' = 0)". */
export function flatText(run: RunResult, ks: readonly number[]): string {
  const are = ks.length === 1 ? 'is' : 'are';
  if (run.params.act === 'relu') return `${layersText(ks)} ${are} dead (z ≤ 0, relu' = 0)`;
  const f = activation[run.params.act];
  return `${layersText(ks)} ${are} saturated (${f.symbol} below 1/${1 / SATURATED_SHARE} of its peak ${num(f.peak)})`;
}

/** "its one step", "all 30 steps". */
export const stepsText = (steps: number) => (steps === 1 ? 'its one step' : `all ${steps} steps`);

/** Where each activation's outputs lie, for a target it cannot reach. */
const RANGE_TEXT: Record<RunResult['params']['act'], string> = {
  sigmoid: 'between 0 and 1',
  tanh: 'between −1 and 1',
  relu: 'at 0 or above',
  linear: 'anywhere',
};

/** The limits phi only approaches, where a loss of exactly 0 can only come from rounding. */
function onAsymptote(run: RunResult): boolean {
  const { act, y } = run.params;
  return (act === 'sigmoid' && (y === 0 || y === 1)) || (act === 'tanh' && Math.abs(y) === 1);
}

/** The step-0 gain with the verdict's word for it. */
export function gainText(gain: number): string {
  if (gain >= EXPLODING_GAIN) return `${num(gain)} (exploding: ${EXPLODING_GAIN} or more)`;
  if (gain <= VANISHING_GAIN) return `${num(gain)} (vanishing: ${VANISHING_GAIN} or less)`;
  return num(gain);
}

/** Whether the largest |w| rose at every update over rows 0..last. */
function roseEveryStep(run: RunResult, last: number): boolean {
  for (let t = 1; t <= last; t++) if (!(maxAbsW(run, t) > maxAbsW(run, t - 1))) return false;
  return last >= 2;
}

/** A run that left the doubles: where, and what the numbers before it show. */
function overflowStory(run: RunResult, gain: number): string {
  const o = overflowOf(run)!;
  const t = o.step;
  const L = run.params.depth;
  const gainPart = L > 1 ? ` The chain's gain at step 0 is ${gainText(gain)}.` : '';
  if (t === 0) {
    const yhat = run.step0.yhat;
    const out = Number.isFinite(yhat) ? `ŷ = ${num(yhat)}, and (ŷ − y)² is beyond the largest double, about 1.8 × 10³⁰⁸` : 'ŷ itself is already beyond the largest double';
    return `The very first forward pass overflows: ${out}. No update ever happens.${gainPart}`;
  }
  const prev = t - 1;
  const g = gradientSize(run, prev);
  const w0 = maxAbsW(run, 0);
  const wPrev = maxAbsW(run, prev);
  const cause = Number.isFinite(g)
    ? `the update at step ${prev} (largest gradient ${num(g)}, times lr = ${num(run.params.lr)})`
    : `the update at step ${prev}, whose gradient had itself overflowed,`;
  const what = o.what === 'loss' ? `the loss of step ${t}'s forward pass is not a finite number` : `${cause} leaves a weight or bias beyond the largest double at step ${t}`;
  const path =
    prev === 0
      ? ` It took one update: at step 0 the largest |w| is ${num(w0)}.`
      : roseEveryStep(run, prev)
        ? ` The largest |w| rose at every step, from ${num(w0)} at step 0 to ${num(wPrev)} at step ${prev}.`
        : ` The largest |w| went from ${num(w0)} at step 0 to ${num(wPrev)} at step ${prev}.`;
  return `The engine's loop stops at step ${t}: ${what}.${path}${gainPart}`;
}

/** A run that stayed finite: the weights, the loss, and whether it froze or ended saturated. */
function finiteStory(run: RunResult, gain: number): string {
  const steps = run.params.steps;
  const loss = run.trajectory.loss;
  const last = loss.length - 1;
  const w0 = maxAbsW(run, 0);
  const wEnd = maxAbsW(run, run.trajectory.w.length - 1);
  const parts = [`The engine ran ${stepsText(steps)} and every number stayed finite: the largest |w| went from ${num(w0)} to ${num(wEnd)}, the loss from ${num(loss[0]!)} to ${num(loss[last]!)}.`];
  const f = frozenFrom(run);
  if (f !== null) {
    const zero = gradientIsZero(run, f);
    const flat = saturatedLayers(run, f);
    parts.push(
      `From step ${f} on no weight or bias changes: ${zero ? 'every gradient is exactly 0' : 'the gradients are too small to change any of them in double precision'}.${flat.length ? ` At step ${f}, ${flatText(run, flat)}.` : ''}`,
    );
    if (loss[f] === 0 && onAsymptote(run)) parts.push(`The loss is 0 only because ŷ rounds to exactly y = ${num(run.params.y)} in doubles; ${activation[run.params.act].symbol.replace("'", '')} never reaches it.`);
  } else {
    const flat = saturatedLayers(run, last);
    if (flat.length) parts.push(`At the last step ${flatText(run, flat)}.`);
  }
  if (run.params.depth > 1 && gain >= EXPLODING_GAIN) parts.push(`The chain's gain at step 0 is ${gainText(gain)}, yet nothing overflowed.`);
  const reach = targetReach(run.params.act, run.params.y);
  if (reach.kind === 'unreachable') {
    // A y just past a bound (−1.0000000000000002) is written in full, so it does not read as the bound itself.
    const y = num(reach.y) === num(reach.nearest) ? String(reach.y).replace('-', '−') : num(reach.y);
    parts.push(`y = ${y} is out of ${run.params.act}'s reach (its outputs lie ${RANGE_TEXT[run.params.act]}): the loss can never fall below (y − ${paren(reach.nearest)})² = ${num(reach.minLoss)}.`);
  }
  return parts.join(' ');
}

/** The run from start to end, true to its trajectory. */
export function runStory(run: RunResult, gain: number): string {
  return run.diverged_at === null ? finiteStory(run, gain) : overflowStory(run, gain);
}
