import { backwardNet, buildNet, clipScale, forwardNet, paramsFinite, updateNet, weightGradNorms, type Net } from './network.ts';
import type { LayersParams } from './params.ts';

/** The spec's step-0 measurements; index 0 of every array is layer 1. */
export interface LayersStep0 {
  loss: number;
  act_mean: number[];
  act_std: number[];
  saturated: number[];
  grad_norm_w: number[];
  /** norm(D_k), k = 1..L. */
  grad_norm_h: number[];
  gain: number[];
  /** norm(D_0): what reaches the input. */
  grad_norm_input: number;
}

export interface LayersTrajectory {
  /** One entry per step that reached the forward pass. */
  loss: number[];
  /** Unclipped norm(GW_k) per layer, one row per entry of loss. */
  grad_norm_w: number[][];
}

export type LayersVerdict = 'healthy' | 'exploding' | 'vanishing' | 'diverged';

export interface LayersRun {
  params: LayersParams;
  step0: LayersStep0;
  trajectory: LayersTrajectory;
  /** norm(D_0) / norm(D_L); null only when norm(D_L) is 0. */
  ratio_first_last: number | null;
  verdict: LayersVerdict;
  diverged_at: number | null;
}

/** Step-0 activations kept for the histograms: H_k and Z_k of the layers asked for (1-based), copied. */
export interface LayersSnapshot {
  layers: number[];
  activations: Float64Array[];
  pre: Float64Array[];
}

export interface LayersOptions {
  /** Layers (1..L) whose step-0 activations to copy out, for pictures. */
  snapshotLayers?: readonly number[];
}

/** Whether a unit passes back little at z: the spec's saturated (sigmoid, tanh) or dead (relu). */
export function isSaturated(fns: Net['fns'], act: LayersParams['act'], z: number): boolean {
  if (act === 'linear') return false;
  if (act === 'relu') return z <= 0;
  return fns.dphi(z) < 0.1 * fns.peak;
}

/** Whether a unit passes back little: phi' below a tenth of its peak (sigmoid, tanh), z <= 0 (a dead ReLU), never for linear. */
function saturatedShare(net: Net, k: number, act: LayersParams['act']): number {
  if (act === 'linear') return 0;
  const Zk = net.Z[k]!;
  let count = 0;
  if (act === 'relu') {
    for (let i = 0; i < Zk.length; i++) if (Zk[i]! <= 0) count++;
  } else {
    const limit = 0.1 * net.fns.peak;
    const dphi = net.fns.dphi;
    for (let i = 0; i < Zk.length; i++) if (dphi(Zk[i]!) < limit) count++;
  }
  return count / Zk.length;
}

function meanStd(a: Float64Array): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - mean;
    v += d * d;
  }
  return { mean, std: Math.sqrt(v / a.length) };
}

/** Reads the measurements off a net whose forward and backward pass at step 0 just ran. */
function measure(net: Net, p: LayersParams, loss: number): LayersStep0 {
  const L = net.L;
  const act_mean: number[] = [];
  const act_std: number[] = [];
  const saturated: number[] = [];
  const grad_norm_h: number[] = [];
  const gain: number[] = [];
  for (let k = 1; k <= L; k++) {
    const { mean, std } = meanStd(net.H[k]!);
    act_mean.push(mean);
    act_std.push(std);
    saturated.push(saturatedShare(net, k, p.act));
    const here = Math.sqrt(net.dNormSq[k]!);
    grad_norm_h.push(here);
    gain.push(here === 0 ? 0 : Math.sqrt(net.dNormSq[k - 1]!) / here);
  }
  return { loss, act_mean, act_std, saturated, grad_norm_w: weightGradNorms(net), grad_norm_h, gain, grad_norm_input: Math.sqrt(net.dNormSq[0]!) };
}

export function verdictOfLayers(ratio: number | null, divergedAt: number | null): LayersVerdict {
  if (divergedAt !== null) return 'diverged';
  if (ratio !== null && ratio >= 100) return 'exploding';
  if (ratio !== null && ratio <= 0.01) return 'vanishing';
  return 'healthy';
}

function snapshotOf(net: Net, layers: readonly number[]): LayersSnapshot {
  const kept = layers.filter((k) => k >= 1 && k <= net.L);
  return { layers: kept, activations: kept.map((k) => Float64Array.from(net.H[k]!)), pre: kept.map((k) => Float64Array.from(net.Z[k]!)) };
}

/**
 * One /layers run: the spec's network trained with the spec's loop (engine.md's
 * record / stop / forward / backprop / clip / update), and the step-0
 * measurements, taken even when the loop never reaches a forward pass.
 */
export function simulateLayersWith(p: LayersParams, opts: LayersOptions = {}): { run: LayersRun; snapshot: LayersSnapshot } {
  const net = buildNet(p);
  const trajectory: LayersTrajectory = { loss: [], grad_norm_w: [] };
  let step0: LayersStep0 | null = null;
  let snapshot: LayersSnapshot | null = null;
  let divergedAt: number | null = null;
  for (let t = 0; t <= p.steps; t++) {
    if (!paramsFinite(net)) {
      divergedAt = t;
      break;
    }
    if (t === p.steps) break;
    const loss = forwardNet(net);
    trajectory.loss.push(loss);
    backwardNet(net);
    trajectory.grad_norm_w.push(weightGradNorms(net));
    if (t === 0) {
      step0 = measure(net, p, loss);
      snapshot = snapshotOf(net, opts.snapshotLayers ?? []);
    }
    if (!Number.isFinite(loss)) {
      divergedAt = t;
      break;
    }
    updateNet(net, p.lr, clipScale(net, p.clip));
  }
  if (step0 === null) {
    // steps = 0, or parameters non-finite from the start: step 0 is still measured, on a fresh net.
    const fresh = buildNet(p);
    const loss = forwardNet(fresh);
    backwardNet(fresh);
    step0 = measure(fresh, p, loss);
    snapshot = snapshotOf(fresh, opts.snapshotLayers ?? []);
  }
  const top = step0.grad_norm_h[p.depth - 1]!;
  const ratio = top === 0 ? null : step0.grad_norm_input / top;
  const run: LayersRun = { params: p, step0, trajectory, ratio_first_last: ratio, verdict: verdictOfLayers(ratio, divergedAt), diverged_at: divergedAt };
  return { run, snapshot: snapshot ?? { layers: [], activations: [], pre: [] } };
}

export function simulateLayers(p: LayersParams): LayersRun {
  return simulateLayersWith(p).run;
}
