import { activation, type ActivationFns } from '../activations.ts';
import type { LayersParams } from './params.ts';
import { mulberry32 } from './random.ts';
import { weightScale } from './params.ts';

/**
 * The network's memory, allocated once per run: every matrix is a
 * Float64Array, row-major. Index k of W, c, GW, Gc is layer k + 1; Z[k] and
 * H[k] hold layer k (H[0] is the input X, Z[0] is unused).
 */
export interface Net {
  L: number;
  n: number;
  B: number;
  fns: ActivationFns;
  W: Float64Array[];
  c: Float64Array[];
  Z: Float64Array[];
  H: Float64Array[];
  Y: Float64Array;
  GW: Float64Array[];
  Gc: Float64Array[];
  /** Squared norms of D_0..D_L of the last backward pass. */
  dNormSq: Float64Array;
  /** Scratch for D_k and DZ_k (B x n each). */
  D: Float64Array;
  Dprev: Float64Array;
  DZ: Float64Array;
}

const matrices = (count: number, size: number): Float64Array[] => Array.from({ length: count }, () => new Float64Array(size));

/** Draws the weights, then X, then Y from one stream, in the spec's order. */
export function buildNet(p: LayersParams): Net {
  const { depth: L, width: n, batch: B } = p;
  const rng = mulberry32(p.seed);
  const W = matrices(L, n * n);
  if (p.init === 'const') for (const Wk of W) Wk.fill(p.w ?? 0);
  else {
    const scale = weightScale(p);
    for (const Wk of W) for (let i = 0; i < n * n; i++) Wk[i] = scale * rng.normal();
  }
  const H = matrices(L + 1, B * n);
  const X = H[0]!;
  for (let i = 0; i < B * n; i++) X[i] = rng.normal();
  const Y = new Float64Array(B * n);
  for (let i = 0; i < B * n; i++) Y[i] = 0.5 * rng.normal();
  return {
    L,
    n,
    B,
    fns: activation[p.act],
    W,
    c: matrices(L, n),
    Z: matrices(L + 1, B * n),
    H,
    Y,
    GW: matrices(L, n * n),
    Gc: matrices(L, n),
    dNormSq: new Float64Array(L + 1),
    D: new Float64Array(B * n),
    Dprev: new Float64Array(B * n),
    DZ: new Float64Array(B * n),
  };
}

/**
 * Z_k = H_{k-1} W_k^T + c_k, H_k = phi(Z_k); returns the loss.
 *
 * Every sum runs in index order from 0, as the spec asks, so one sum is a
 * chain of dependent additions. Four sums at a time (two samples by two
 * units), each with its own accumulator, keep the processor busy while each
 * chain waits on its last addition, and load each input and weight once for
 * two products: about twice as fast, with the same bits.
 */
export function forwardNet(net: Net): number {
  const { L, n, B, fns } = net;
  for (let k = 1; k <= L; k++) {
    const Hin = net.H[k - 1]!;
    const Wk = net.W[k - 1]!;
    const ck = net.c[k - 1]!;
    const Zk = net.Z[k]!;
    let b = 0;
    for (; b + 1 < B; b += 2) {
      const r0 = b * n;
      const r1 = r0 + n;
      let i = 0;
      for (; i + 1 < n; i += 2) {
        const w0 = i * n;
        const w1 = w0 + n;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let j = 0; j < n; j++) {
          const h0 = Hin[r0 + j]!;
          const h1 = Hin[r1 + j]!;
          const a = Wk[w0 + j]!;
          const c = Wk[w1 + j]!;
          s00 += h0 * a;
          s01 += h0 * c;
          s10 += h1 * a;
          s11 += h1 * c;
        }
        Zk[r0 + i] = s00 + ck[i]!;
        Zk[r0 + i + 1] = s01 + ck[i + 1]!;
        Zk[r1 + i] = s10 + ck[i]!;
        Zk[r1 + i + 1] = s11 + ck[i + 1]!;
      }
      if (i < n) {
        Zk[r0 + i] = dot(Hin, r0, Wk, i * n, n) + ck[i]!;
        Zk[r1 + i] = dot(Hin, r1, Wk, i * n, n) + ck[i]!;
      }
    }
    if (b < B) for (let i = 0; i < n; i++) Zk[b * n + i] = dot(Hin, b * n, Wk, i * n, n) + ck[i]!;
    fns.phiInto(Zk, net.H[k]!);
  }
  const HL = net.H[L]!;
  let s = 0;
  for (let i = 0; i < B * n; i++) {
    const e = HL[i]! - net.Y[i]!;
    s += e * e;
  }
  return (1 / (B * n)) * s;
}

/** sum over j of a[ai + j] * b[bi + j], in index order from 0. */
function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += a[ai + j]! * b[bi + j]!;
  return s;
}

function sumSq(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s;
}

/**
 * Backprop as the spec writes it, down from D_L = dloss/dH_L.
 *
 * GW_k[i][j] sums over b and D_{k-1}[b][j] over i, each in index order. Taking
 * samples two at a time (outer) and units four at a time (inner) keeps both
 * orders: GW_k[i][j] gets sample b's term then b+1's, D_{k-1}[b][j] units i to
 * i+3's in turn. Each pass over j then reads and writes an element of GW_k once
 * for two terms and one of D_{k-1} once for four, instead of once per term
 * (about 1.8x faster than one term at a time). The units and the sample left
 * over, if any, come last, which is where their terms fall in index order too.
 */
export function backwardNet(net: Net): void {
  const { L, n, B, fns } = net;
  const HL = net.H[L]!;
  const scale = B * n;
  let D = net.D;
  let Dprev = net.Dprev;
  const DZ = net.DZ;
  for (let i = 0; i < B * n; i++) D[i] = (2 * (HL[i]! - net.Y[i]!)) / scale;
  net.dNormSq[L] = sumSq(D);
  for (let k = L; k >= 1; k--) {
    const Hin = net.H[k - 1]!;
    const Wk = net.W[k - 1]!;
    const GWk = net.GW[k - 1]!;
    const Gck = net.Gc[k - 1]!;
    fns.timesDphi(D, net.Z[k]!, DZ);
    GWk.fill(0);
    Gck.fill(0);
    Dprev.fill(0);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) Gck[i] = Gck[i]! + DZ[b * n + i]!;
    let b = 0;
    for (; b + 1 < B; b += 2) {
      const r0 = b * n;
      const r1 = r0 + n;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const w0 = i * n;
        const w1 = w0 + n;
        const w2 = w1 + n;
        const w3 = w2 + n;
        const d00 = DZ[r0 + i]!;
        const d01 = DZ[r0 + i + 1]!;
        const d02 = DZ[r0 + i + 2]!;
        const d03 = DZ[r0 + i + 3]!;
        const d10 = DZ[r1 + i]!;
        const d11 = DZ[r1 + i + 1]!;
        const d12 = DZ[r1 + i + 2]!;
        const d13 = DZ[r1 + i + 3]!;
        for (let j = 0; j < n; j++) {
          const h0 = Hin[r0 + j]!;
          const h1 = Hin[r1 + j]!;
          const a0 = Wk[w0 + j]!;
          const a1 = Wk[w1 + j]!;
          const a2 = Wk[w2 + j]!;
          const a3 = Wk[w3 + j]!;
          GWk[w0 + j] = GWk[w0 + j]! + d00 * h0 + d10 * h1;
          GWk[w1 + j] = GWk[w1 + j]! + d01 * h0 + d11 * h1;
          GWk[w2 + j] = GWk[w2 + j]! + d02 * h0 + d12 * h1;
          GWk[w3 + j] = GWk[w3 + j]! + d03 * h0 + d13 * h1;
          Dprev[r0 + j] = Dprev[r0 + j]! + d00 * a0 + d01 * a1 + d02 * a2 + d03 * a3;
          Dprev[r1 + j] = Dprev[r1 + j]! + d10 * a0 + d11 * a1 + d12 * a2 + d13 * a3;
        }
      }
      for (; i < n; i++) {
        accumulate(GWk, Dprev, Hin, Wk, DZ[r0 + i]!, r0, i * n, n);
        accumulate(GWk, Dprev, Hin, Wk, DZ[r1 + i]!, r1, i * n, n);
      }
    }
    if (b < B) for (let i = 0; i < n; i++) accumulate(GWk, Dprev, Hin, Wk, DZ[b * n + i]!, b * n, i * n, n);
    net.dNormSq[k - 1] = sumSq(Dprev);
    const t = D;
    D = Dprev;
    Dprev = t;
  }
}

/** One sample's, one unit's terms: GW_k[i][.] += dz * H_{k-1}[b][.], D_{k-1}[b][.] += dz * W_k[i][.]. */
function accumulate(GWk: Float64Array, Dprev: Float64Array, Hin: Float64Array, Wk: Float64Array, dz: number, row: number, wrow: number, n: number): void {
  for (let j = 0; j < n; j++) {
    GWk[wrow + j] = GWk[wrow + j]! + dz * Hin[row + j]!;
    Dprev[row + j] = Dprev[row + j]! + dz * Wk[wrow + j]!;
  }
}

/** The Frobenius norm of GW_k of the last backward pass, for each layer. */
export function weightGradNorms(net: Net): number[] {
  return net.GW.map((g) => Math.sqrt(sumSq(g)));
}

/** Global L2 clipping over every GW_k then every Gc_k entry; returns the factor the update uses. */
export function clipScale(net: Net, clip: number | null): number {
  if (clip === null) return 1;
  let sq = 0;
  for (const g of net.GW) sq += sumSq(g);
  for (const g of net.Gc) sq += sumSq(g);
  const norm = Math.sqrt(sq);
  return norm > clip ? clip / norm : 1;
}

/** p <- p - lr * g for every weight and bias, with g scaled by the clipping factor. */
export function updateNet(net: Net, lr: number, scale: number): void {
  for (let k = 0; k < net.L; k++) {
    const Wk = net.W[k]!;
    const GWk = net.GW[k]!;
    const ck = net.c[k]!;
    const Gck = net.Gc[k]!;
    if (scale === 1) {
      for (let i = 0; i < Wk.length; i++) Wk[i] = Wk[i]! - lr * GWk[i]!;
      for (let i = 0; i < ck.length; i++) ck[i] = ck[i]! - lr * Gck[i]!;
    } else {
      for (let i = 0; i < Wk.length; i++) Wk[i] = Wk[i]! - lr * (GWk[i]! * scale);
      for (let i = 0; i < ck.length; i++) ck[i] = ck[i]! - lr * (Gck[i]! * scale);
    }
  }
}

export function paramsFinite(net: Net): boolean {
  for (const a of net.W) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  for (const a of net.c) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
