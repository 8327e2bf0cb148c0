import { activation } from './activations.ts';
import { backward, clipGradients, forward, type Gradients } from './network.ts';
import { chainOf, resolveParams, type RunParams, type RunSpec } from './init.ts';

export interface Factor {
  /** Plain-text label, e.g. "dloss/do3", "do3/do2", "do1/dw1". */
  label: string;
  kind: 'loss' | 'link' | 'input';
  /** The layer whose output is differentiated: L for the loss factor, k for do_k/do_{k-1}, 1 for do1/dw1. */
  layer: number;
  value: number;
  bound: number | null;
  /** phi'(z) of that layer, for the links and the input factor; null for the loss factor. */
  dphi: number | null;
}

export interface Step0 {
  z: number[];
  o: number[];
  yhat: number;
  loss: number;
  factors: Factor[];
  grad_w1: number;
  grads: Gradients;
  /** The gradients after clipping (equal to grads when clipping is off or did not trigger). */
  clipped: Gradients;
  clipScale: number;
  gradNorm: number;
}

export interface Trajectory {
  /** Parameters recorded at the start of each step: steps + 1 rows unless the run diverged. */
  w: number[][];
  b: number[][];
  /** One entry per forward pass; the rows below align with it. */
  loss: number[];
  /** Pre-activations of that forward pass: where each neuron sat on phi. */
  z: number[][];
  /** Gradients of that backward pass before clipping: what the chain really sent back. */
  grad_w: number[][];
  grad_b: number[][];
}

export interface RunResult {
  params: RunParams;
  step0: Step0;
  trajectory: Trajectory;
  diverged_at: number | null;
}

const allFinite = (xs: readonly number[]) => xs.every(Number.isFinite);

function chainFactors(p: RunParams, z: number[], yhat: number): Factor[] {
  const fns = activation[p.act];
  const L = p.depth;
  const factors: Factor[] = [{ label: `dloss/do${L}`, kind: 'loss', layer: L, value: 2 * (yhat - p.y), bound: null, dphi: null }];
  for (let k = L; k >= 2; k--) {
    const d = fns.dphi(z[k - 1]!);
    const wk = p.w[k - 1]!;
    factors.push({ label: `do${k}/do${k - 1}`, kind: 'link', layer: k, value: d * wk, bound: fns.peak * Math.abs(wk), dphi: d });
  }
  const d1 = fns.dphi(z[0]!);
  factors.push({ label: 'do1/dw1', kind: 'input', layer: 1, value: d1 * p.x, bound: fns.peak * Math.abs(p.x), dphi: d1 });
  return factors;
}

function step0Of(p: RunParams): Step0 {
  const net = chainOf(p);
  const pass = forward(net, p.x, p.y);
  const grads = backward(net, p.x, p.y, pass);
  const { grads: clipped, scale, norm } = clipGradients(grads, p.clip);
  return {
    z: pass.z,
    o: pass.o,
    yhat: pass.yhat,
    loss: pass.loss,
    factors: chainFactors(p, pass.z, pass.yhat),
    grad_w1: grads.w[0]!,
    grads,
    clipped,
    clipScale: scale,
    gradNorm: norm,
  };
}

/** Full-batch gradient descent on one sample, with the spec's exact loop and divergence rule. */
export function simulateParams(p: RunParams): RunResult {
  const net = chainOf(p);
  const traj: Trajectory = { w: [], b: [], loss: [], z: [], grad_w: [], grad_b: [] };
  let divergedAt: number | null = null;
  for (let t = 0; t <= p.steps; t++) {
    traj.w.push([...net.w]);
    traj.b.push([...net.b]);
    if (!allFinite(net.w) || !allFinite(net.b)) {
      divergedAt = t;
      break;
    }
    if (t === p.steps) break;
    const pass = forward(net, p.x, p.y);
    traj.loss.push(pass.loss);
    traj.z.push(pass.z);
    // The spec keeps a non-finite step's backward pass too, so the picture can show it.
    const raw = backward(net, p.x, p.y, pass);
    traj.grad_w.push([...raw.w]);
    traj.grad_b.push([...raw.b]);
    if (!Number.isFinite(pass.loss)) {
      divergedAt = t;
      break;
    }
    const { grads } = clipGradients(raw, p.clip);
    for (let k = 0; k < p.depth; k++) {
      net.w[k] = net.w[k]! - p.lr * grads.w[k]!;
      net.b[k] = net.b[k]! - p.lr * grads.b[k]!;
    }
  }
  return { params: p, step0: step0Of(p), trajectory: traj, diverged_at: divergedAt };
}

export function simulate(spec: RunSpec): RunResult {
  return simulateParams(resolveParams(spec));
}
