import { activation, type RunResult, type Verdict } from '../engine/index.ts';
import { fmt, type NumberStyle } from './number.ts';

/** The one-line verdict a student reads first. */
export function verdictLine(run: RunResult, v: Verdict, style: NumberStyle = 'unicode'): string {
  const n = (x: number) => fmt(x, style);
  const clipped = run.params.clip !== null ? ` Clipping at ${n(run.params.clip)} keeps the updates bounded.` : '';
  switch (v.kind) {
    case 'diverged': {
      const what = run.trajectory.loss.length > (v.divergedAt ?? 0) && !Number.isFinite(run.trajectory.loss[v.divergedAt ?? 0] ?? 0) ? 'the loss' : 'the weights';
      return `Diverged at step ${v.divergedAt}: ${what} overflowed to ${what === 'the loss' ? n(run.trajectory.loss[v.divergedAt ?? 0] ?? NaN) : 'infinity/NaN'}. The chain multiplies the gradient by ${n(v.gain)} on its way back to w1.`;
    }
    case 'exploding':
      return v.gain >= 10
        ? `Exploding: the chain multiplies the gradient by ${n(v.gain)} on its way back to w1 (dloss/dw1 = ${n(run.step0.grad_w1)}).${clipped}`
        : `Exploding: the weights grew ${n(v.growth)}× during training.${clipped}`;
    case 'saturated': {
      const fns = activation[run.params.act];
      const k = v.flatLayers[0]!;
      const d = run.step0.factors.find((f) => f.layer === k && f.kind !== 'loss')?.dphi ?? 0;
      const which = run.params.act === 'relu' ? `the ReLU in layer ${k} is dead (z${k} ≤ 0, so relu' = 0)` : `neuron ${k} is saturated: ${fns.symbol}(z${k}) = ${n(d)}, far below its peak ${n(fns.peak)}`;
      return `Saturated: ${which}, so almost no gradient reaches w1 (dloss/dw1 = ${n(run.step0.grad_w1)}).`;
    }
    case 'vanishing':
      return `Vanishing: the chain shrinks the gradient by ${n(v.gain)} on its way back to w1 (dloss/dw1 = ${n(run.step0.grad_w1)}).`;
    case 'healthy':
      return `Healthy: the chain passes the gradient back with gain ${n(v.gain)}, and the weights stay in range.${clipped}`;
  }
}
