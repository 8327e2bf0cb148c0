import { activation } from './activations.ts';
import type { RunSpec } from './init.ts';
import type { RunResult } from './simulate.ts';
import { verdictOf } from './verdict.ts';

/**
 * The same run from a unit-gain start: only the weights change, every
 * w_k = 1 / phi'(0) (4 for sigmoid, 1 for the others), so a neuron sitting at
 * z = 0 passes the gradient back with link phi'(0)·w_k = 1. The biases stay as
 * the run has them: a centred run is centred again for the new weights (the
 * engine recomputes centring), a run with b = 0 keeps b = 0, and then its
 * neurons need not sit at z = 0, so the start is unit-gain only in name
 * (baselineStatus says so).
 */
export function unitGainStart(spec: RunSpec): RunSpec {
  return { ...spec, w: 1 / activation[spec.act].peak, wLayers: {} };
}

/** The name older callers use; the same run with only the weights changed. */
export const healthyBaseline = unitGainStart;

/**
 * What the baseline is, next to the run, so it is never called healthy when it is not:
 * - same: the run already has the unit-gain weights: there is no other run to show;
 * - dead / saturated: a neuron of the baseline is flat at step 0 too;
 * - nothing-to-learn: the baseline starts at loss 0 (e.g. linear, x = y = 1);
 * - stuck: it neither diverges nor learns (its own verdict is not healthy);
 * - healthy: its own verdict is healthy.
 */
export type BaselineStatus = 'same' | 'dead' | 'saturated' | 'nothing-to-learn' | 'stuck' | 'healthy';

function sameParams(a: RunResult, b: RunResult): boolean {
  const eq = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  return eq(a.params.w, b.params.w) && eq(a.params.b, b.params.b);
}

export function baselineStatus(run: RunResult, baseline: RunResult): BaselineStatus {
  if (sameParams(run, baseline)) return 'same';
  const v = verdictOf(baseline);
  if (v.opening === 'dead') return 'dead';
  if (v.opening === 'saturated') return 'saturated';
  if (baseline.step0.loss === 0) return 'nothing-to-learn';
  return v.kind === 'healthy' && v.target.kind !== 'unreachable' ? 'healthy' : 'stuck';
}
