import { jsonNumber, type JsonNumber } from '../json.ts';
import type { LayersRun } from './simulate.ts';

const arr = (xs: readonly number[]): JsonNumber[] => xs.map(jsonNumber);
const maybe = (v: number | null): JsonNumber | null => (v === null ? null : jsonNumber(v));

/** The spec's JSON object for `gradbot layers --json`, keys in the spec's order. */
export function layersToJson(run: LayersRun) {
  const p = run.params;
  const s = run.step0;
  return {
    params: {
      depth: p.depth,
      width: p.width,
      act: p.act,
      init: p.init,
      std: maybe(p.std),
      w: maybe(p.w),
      gain: jsonNumber(p.gain),
      batch: p.batch,
      seed: p.seed,
      lr: jsonNumber(p.lr),
      steps: p.steps,
      clip: maybe(p.clip),
    },
    step0: {
      loss: jsonNumber(s.loss),
      act_mean: arr(s.act_mean),
      act_std: arr(s.act_std),
      saturated: arr(s.saturated),
      grad_norm_w: arr(s.grad_norm_w),
      grad_norm_h: arr(s.grad_norm_h),
      gain: arr(s.gain),
      grad_norm_input: jsonNumber(s.grad_norm_input),
    },
    trajectory: { loss: arr(run.trajectory.loss), grad_norm_w: run.trajectory.grad_norm_w.map(arr) },
    ratio_first_last: maybe(run.ratio_first_last),
    verdict: run.verdict,
    diverged_at: run.diverged_at,
  };
}

export type LayersJson = ReturnType<typeof layersToJson>;
