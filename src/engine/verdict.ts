import { activation } from './activations.ts';
import type { RunResult } from './simulate.ts';

export type VerdictKind = 'healthy' | 'exploding' | 'diverged' | 'saturated' | 'vanishing';

export interface Verdict {
  kind: VerdictKind;
  /** Backward gain through the chain at step 0: the product of |do_k/do_{k-1}|, k = L..2 (1 for depth 1). */
  gain: number;
  /** Largest |w_k| reached over the run, over the largest at step 0. */
  growth: number;
  /** Layers (1-based) whose neuron is flat at step 0: phi' below 1/1000 of its peak, or a dead ReLU. */
  flatLayers: number[];
  divergedAt: number | null;
}

/** Below this share of its peak a neuron passes on (almost) nothing. */
const FLAT = 1e-3;
/** A chain that multiplies the backward signal by 10 or more, or lets a weight grow 10x (to 10 or more), explodes. */
const EXPLODE = 10;
const VANISH = 0.1;

function maxAbs(rows: readonly (readonly number[])[]): number {
  let m = 0;
  for (const row of rows) for (const v of row) m = Math.max(m, Math.abs(v));
  return m;
}

export function verdictOf(run: RunResult): Verdict {
  const peak = activation[run.params.act].peak;
  const links = run.step0.factors.filter((f) => f.kind === 'link');
  const gain = links.reduce((acc, f) => acc * Math.abs(f.value), 1);
  const flatLayers = run.step0.factors
    .filter((f) => f.kind !== 'loss' && f.dphi !== null && f.dphi < FLAT * peak)
    .map((f) => f.layer)
    .sort((a, b) => a - b);
  const w0 = maxAbs(run.trajectory.w.slice(0, 1));
  const wMax = maxAbs(run.trajectory.w);
  const growth = w0 === 0 ? (wMax === 0 ? 1 : Infinity) : wMax / w0;
  const base = { gain, growth, flatLayers, divergedAt: run.diverged_at };
  if (run.diverged_at !== null) return { kind: 'diverged', ...base };
  if (gain >= EXPLODE || (growth >= EXPLODE && wMax >= EXPLODE)) return { kind: 'exploding', ...base };
  if (flatLayers.length > 0) return { kind: 'saturated', ...base };
  if (run.params.depth > 1 && gain <= VANISH) return { kind: 'vanishing', ...base };
  return { kind: 'healthy', ...base };
}
