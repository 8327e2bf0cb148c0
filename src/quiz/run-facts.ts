import { activation, type RunResult } from '../engine/index.ts';
import { EXPLODE_GAIN, FLAT_SHARE, VANISH_GAIN } from './thresholds.ts';

/**
 * What a run's own numbers show, for the run questions' explanations. Same
 * names and meaning as the engine's story module (src/engine/story.ts) that
 * is landing in parallel; once it is on main this file re-exports it.
 */
export const SATURATED_SHARE = FLAT_SHARE;
export const EXPLODING_GAIN = EXPLODE_GAIN;
export const VANISHING_GAIN = VANISH_GAIN;
export const WEIGHT_GROWTH = 10;

/** Layers (1-based) saturated at step t: phi'(z_k) < SATURATED_SHARE · peak. */
export function saturatedLayers(run: RunResult, t: number): number[] {
  const z = t === 0 ? run.step0.z : run.trajectory.z[t];
  const f = activation[run.params.act];
  const out: number[] = [];
  (z ?? []).forEach((zk, i) => {
    if (f.dphi(zk) / f.peak < SATURATED_SHARE) out.push(i + 1);
  });
  return out;
}

const sameRow = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** The first step whose update changed no parameter; null when every update moved something, or the run diverged. */
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

/** Whether every gradient is exactly 0 at step t. */
export function gradientIsZero(run: RunResult, t: number): boolean {
  const gw = run.trajectory.grad_w[t];
  const gb = run.trajectory.grad_b[t];
  return !!gw && !!gb && gw.every((g) => g === 0) && gb.every((g) => g === 0);
}

/** The largest |gradient| at step t (unclipped); NaN if any is NaN. */
export function gradientSize(run: RunResult, t: number): number {
  let m = 0;
  for (const g of [...(run.trajectory.grad_w[t] ?? []), ...(run.trajectory.grad_b[t] ?? [])]) {
    if (Number.isNaN(g)) return NaN;
    m = Math.max(m, Math.abs(g));
  }
  return m;
}

export interface Overflow {
  step: number;
  nan: boolean;
  what: 'loss' | 'parameter';
}

export function overflowOf(run: RunResult): Overflow | null {
  const t = run.diverged_at;
  if (t === null) return null;
  const loss = run.trajectory.loss[t];
  if (loss !== undefined && !Number.isFinite(loss)) return { step: t, nan: Number.isNaN(loss), what: 'loss' };
  const row = [...(run.trajectory.w[t] ?? []), ...(run.trajectory.b[t] ?? [])];
  return { step: t, nan: row.some(Number.isNaN), what: 'parameter' };
}
