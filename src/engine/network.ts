import { activation, type Activation } from './activations.ts';

/** A chain of single-neuron layers; arrays are 0-based, index 0 is layer 1. */
export interface Chain {
  act: Activation;
  w: number[];
  b: number[];
}

export interface ForwardPass {
  z: number[];
  o: number[];
  yhat: number;
  loss: number;
}

export interface Gradients {
  w: number[];
  b: number[];
}

export function forward(net: Chain, x: number, y: number): ForwardPass {
  const phi = activation[net.act].phi;
  const z: number[] = [];
  const o: number[] = [];
  let prev = x;
  for (let k = 0; k < net.w.length; k++) {
    const zk = net.w[k]! * prev + net.b[k]!;
    z.push(zk);
    prev = phi(zk);
    o.push(prev);
  }
  const yhat = prev;
  return { z, o, yhat, loss: (yhat - y) * (yhat - y) };
}

/** Backprop exactly as the spec orders it: d_L = 2(yhat - y), then down the chain. */
export function backward(net: Chain, x: number, y: number, pass: ForwardPass): Gradients {
  const dphi = activation[net.act].dphi;
  const L = net.w.length;
  const gw = new Array<number>(L);
  const gb = new Array<number>(L);
  let d = 2 * (pass.yhat - y);
  for (let k = L - 1; k >= 0; k--) {
    const dz = d * dphi(pass.z[k]!);
    gw[k] = dz * (k === 0 ? x : pass.o[k - 1]!);
    gb[k] = dz;
    d = dz * net.w[k]!;
  }
  return { w: gw, b: gb };
}

/** Global L2 clipping over all 2L gradients; returns the scale applied (1 when none). */
export function clipGradients(g: Gradients, clip: number | null): { grads: Gradients; scale: number; norm: number } {
  let sq = 0;
  for (const v of g.w) sq += v * v;
  for (const v of g.b) sq += v * v;
  const norm = Math.sqrt(sq);
  if (clip === null || !(norm > clip)) return { grads: g, scale: 1, norm };
  const scale = clip / norm;
  return { grads: { w: g.w.map((v) => v * scale), b: g.b.map((v) => v * scale) }, scale, norm };
}
