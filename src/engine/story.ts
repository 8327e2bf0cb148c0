import { activation, type Activation } from './activations.ts';
import { clipGradients } from './network.ts';
import type { RunResult } from './simulate.ts';

/**
 * What a run's own numbers show: small pure predicates on the trajectory that
 * every sentence gradbot says about a run (verdicts, callouts, chart footers,
 * quiz explanations) is picked by, so a sentence is only said when the run
 * bears it out. Steps are 0-based rows of `trajectory.loss`/`z`/`grad_*`;
 * layers are 1-based, as the lecture numbers them.
 *
 * The thresholds are the one stated rule, used everywhere:
 * - a neuron is saturated when phi'(z) < SATURATED_SHARE × peak(phi')
 *   (a ReLU with z <= 0 has phi' = 0: dead);
 * - a backward gain (a product of links |phi'(z_k)·w_k|, or a worked
 *   example's product of factors) of EXPLODING_GAIN or more explodes, of
 *   VANISHING_GAIN or less vanishes;
 * - the weights grew when the largest |w| reached is WEIGHT_GROWTH times the
 *   largest at step 0, and at least WEIGHT_GROWTH itself.
 */
export const SATURATED_SHARE = 1e-3;
export const EXPLODING_GAIN = 10;
export const VANISHING_GAIN = 0.1;
export const WEIGHT_GROWTH = 10;

export type GainClass = 'exploding' | 'vanishing' | 'steady';

/** The one rule for a gain: >= 10 exploding, <= 0.1 vanishing, else steady (NaN counts as exploding: it came from an overflow). */
export function classifyGain(gain: number): GainClass {
  const g = Math.abs(gain);
  if (Number.isNaN(g) || g >= EXPLODING_GAIN) return 'exploding';
  if (g <= VANISHING_GAIN) return 'vanishing';
  return 'steady';
}

/** phi'(z) as a share of its peak: 1 where the neuron is steepest, 0 where it passes nothing back. */
export function slopeShare(act: Activation, z: number): number {
  const f = activation[act];
  return f.dphi(z) / f.peak;
}

/** The stated rule: phi'(z) below SATURATED_SHARE of its peak (a dead ReLU included). NaN z is not called saturated. */
export function isSaturated(act: Activation, z: number): boolean {
  return !Number.isNaN(z) && slopeShare(act, z) < SATURATED_SHARE;
}

/** Layers (1-based) whose pre-activation z_k is saturated. */
export function saturatedIn(act: Activation, z: readonly number[]): number[] {
  const out: number[] = [];
  z.forEach((zk, i) => {
    if (isSaturated(act, zk)) out.push(i + 1);
  });
  return out;
}

/**
 * Layers (1-based) saturated at step t: phi'(z_k) < SATURATED_SHARE · peak.
 * Step 0 is read from step0 (always computed, even when the start overflowed); empty past the recorded steps.
 */
export function saturatedLayers(run: RunResult, t: number): number[] {
  const z = t === 0 ? run.step0.z : run.trajectory.z[t];
  return z ? saturatedIn(run.params.act, z) : [];
}

/** The backward gain at step t: the product of the links |phi'(z_k)·w_k|, k = L..2 (the empty product 1 for depth 1: there are no links). */
export function gainAt(run: RunResult, t: number): number {
  const z = run.trajectory.z[t];
  const w = run.trajectory.w[t];
  if (!z || !w) return NaN;
  const dphi = activation[run.params.act].dphi;
  let g = 1;
  for (let k = z.length; k >= 2; k--) g *= Math.abs(dphi(z[k - 1]!) * w[k - 1]!);
  return g;
}

/**
 * The backward signal at step t, per layer, relative to the loss's: element
 * k-1 is |dloss/do_k| / |dloss/do_L| = the product of the links above layer
 * k. The lecture run at step 0: [15,625, 125, 1]; a unit-gain start: [1, 1, 1].
 */
export function backwardSignal(run: RunResult, t: number): number[] {
  const z = run.trajectory.z[t];
  const w = run.trajectory.w[t];
  if (!z || !w) return [];
  const dphi = activation[run.params.act].dphi;
  const L = z.length;
  const out = new Array<number>(L);
  let s = 1;
  for (let k = L; k >= 1; k--) {
    out[k - 1] = s;
    s *= Math.abs(dphi(z[k - 1]!) * w[k - 1]!);
  }
  return out;
}

function sameRow(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/**
 * The first step t whose update changed no parameter (row t+1 equals row t,
 * bit for bit). The loop is deterministic, so from there every later step is
 * the same pass: the run is frozen for ever, its loss stuck at loss[t]. That
 * happens when the gradient is exactly 0, or too small to move any weight in
 * double precision. Null when every update moved something, or the run diverged.
 */
export function frozenFrom(run: RunResult): number | null {
  if (run.diverged_at !== null) return null;
  const { w, b, loss } = run.trajectory;
  for (let t = 0; t < loss.length; t++) {
    const nw = w[t + 1];
    const nb = b[t + 1];
    if (nw && nb && sameRow(w[t]!, nw) && sameRow(b[t]!, nb)) return t;
  }
  return null;
}

/** Whether every gradient (all w_k and b_k) is exactly 0 at step t. */
export function gradientIsZero(run: RunResult, t: number): boolean {
  const gw = run.trajectory.grad_w[t];
  const gb = run.trajectory.grad_b[t];
  return !!gw && !!gb && gw.every((g) => g === 0) && gb.every((g) => g === 0);
}

/** The largest |gradient| over all parameters at step t (unclipped); NaN if any is NaN. */
export function gradientSize(run: RunResult, t: number): number {
  let m = 0;
  for (const g of [...(run.trajectory.grad_w[t] ?? []), ...(run.trajectory.grad_b[t] ?? [])]) {
    if (Number.isNaN(g)) return NaN;
    m = Math.max(m, Math.abs(g));
  }
  return m;
}

function maxAbs(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const row of rows) for (const v of row) m = Math.max(m, Math.abs(v));
  return m;
}

/** Largest |w_k| reached over the run, over the largest at step 0 (1 when both are 0, ∞ when only the start is). */
export function weightGrowth(run: RunResult): number {
  const w0 = maxAbs(run.trajectory.w.slice(0, 1));
  const wMax = maxAbs(run.trajectory.w);
  return w0 === 0 ? (wMax === 0 ? 1 : Infinity) : wMax / w0;
}

/** The stated rule: the largest |w| grew WEIGHT_GROWTH-fold and to at least WEIGHT_GROWTH (so 10⁻³⁰⁰ -> 10⁻²⁹⁹ is not growth). */
export function weightsGrew(run: RunResult): boolean {
  return weightGrowth(run) >= WEIGHT_GROWTH && maxAbs(run.trajectory.w) >= WEIGHT_GROWTH;
}

export interface Overflow {
  step: number;
  /** NaN (0·∞, ∞−∞) rather than ±∞. */
  nan: boolean;
  /** What left the doubles first: the loss of that step's pass, or a parameter recorded at that step. */
  what: 'loss' | 'parameter';
}

/** Where the run left the range of doubles, if it did (the spec's diverged_at). */
export function overflowOf(run: RunResult): Overflow | null {
  const t = run.diverged_at;
  if (t === null) return null;
  const loss = run.trajectory.loss[t];
  if (loss !== undefined && !Number.isFinite(loss)) return { step: t, nan: Number.isNaN(loss), what: 'loss' };
  const row = [...(run.trajectory.w[t] ?? []), ...(run.trajectory.b[t] ?? [])];
  return { step: t, nan: row.some(Number.isNaN), what: 'parameter' };
}

/** The values phi takes: an open or closed interval, -∞/∞ for unbounded ends. */
export interface Range {
  lo: number;
  hi: number;
  /** Whether phi attains lo (hi) itself: relu attains 0, sigmoid never attains 0 or 1. */
  loAttained: boolean;
  hiAttained: boolean;
}

export function rangeOf(act: Activation): Range {
  switch (act) {
    case 'sigmoid':
      return { lo: 0, hi: 1, loAttained: false, hiAttained: false };
    case 'tanh':
      return { lo: -1, hi: 1, loAttained: false, hiAttained: false };
    case 'relu':
      return { lo: 0, hi: Infinity, loAttained: true, hiAttained: false };
    case 'linear':
      return { lo: -Infinity, hi: Infinity, loAttained: false, hiAttained: false };
  }
}

export type TargetReach =
  /** phi takes the value y. */
  | { kind: 'reachable' }
  /** y is a limit phi only approaches (sigmoid's 0 and 1, tanh's ±1): ŷ gets there only by rounding, with the neuron saturated. */
  | { kind: 'asymptote'; y: number }
  /** y is outside phi's range: the loss can never fall below (y − nearest)². */
  | { kind: 'unreachable'; y: number; nearest: number; minLoss: number };

/** Whether the output neuron can produce the target y at all. */
export function targetReach(act: Activation, y: number): TargetReach {
  const r = rangeOf(act);
  if (y < r.lo || y > r.hi) {
    const nearest = y < r.lo ? r.lo : r.hi;
    return { kind: 'unreachable', y, nearest, minLoss: (y - nearest) * (y - nearest) };
  }
  if ((y === r.lo && !r.loAttained) || (y === r.hi && !r.hiAttained)) return { kind: 'asymptote', y };
  return { kind: 'reachable' };
}

/**
 * Steps at which clipping scaled the gradient down (the engine's rule: global
 * L2 norm over all 2L gradients > clip). A step whose loss overflowed is not
 * counted: training stopped there, nothing was clipped or applied.
 */
export function clippedSteps(run: RunResult): number[] {
  const c = run.params.clip;
  if (c === null) return [];
  const out: number[] = [];
  run.trajectory.loss.forEach((loss, t) => {
    if (!Number.isFinite(loss)) return;
    if (clipGradients({ w: run.trajectory.grad_w[t]!, b: run.trajectory.grad_b[t]! }, c).scale < 1) out.push(t);
  });
  return out;
}

/** The first and last finite loss of the run, and the step of the last. */
export function lossSpan(run: RunResult): { first: number; last: number; lastStep: number } | null {
  const loss = run.trajectory.loss;
  let i = loss.length - 1;
  while (i >= 0 && !Number.isFinite(loss[i]!)) i--;
  if (i < 0 || !Number.isFinite(loss[0]!)) return null;
  return { first: loss[0]!, last: loss[i]!, lastStep: i };
}

/**
 * Where saturation starts: phi' < SATURATED_SHARE · peak exactly when z lies
 * beyond this edge. sigmoid: |z| > 8.29; tanh: |z| > 4.15; relu: z <= 0 (the
 * edge is 0, one-sided); linear never saturates (null).
 */
export function saturationEdge(act: Activation): { edge: number; twoSided: boolean } | null {
  if (act === 'linear') return null;
  if (act === 'relu') return { edge: 0, twoSided: false };
  // phi' falls monotonically in |z|: bisect for the crossing.
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (isSaturated(act, mid)) hi = mid;
    else lo = mid;
  }
  return { edge: hi, twoSided: true };
}
