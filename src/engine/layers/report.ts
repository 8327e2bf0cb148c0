import { activation } from '../activations.ts';
import { recommendedParams, type LayersParams } from './params.ts';
import { isSaturated, simulateLayers, simulateLayersWith, type LayersRun } from './simulate.ts';

/** One layer's step-0 activations binned for a picture; saturated[i] of bins[i] are saturated or dead units. */
export interface LayerHistogram {
  layer: number;
  lo: number;
  hi: number;
  bins: number[];
  saturated: number[];
  /** Entries that are not finite, left out of the bins. */
  nonFinite: number;
}

/** Everything the pictures and the quiz need from one /layers request, computed off the main thread. */
export interface LayersReport {
  run: LayersRun;
  /** The same network (seed, shape, activation) under the recommended init with gain 1, step 0 only. */
  recommended: LayersRun;
  histograms: LayerHistogram[];
}

/** Up to `max` layers spread evenly from 1 to L, both ends included. */
export function sampleLayers(depth: number, max = 10): number[] {
  if (depth <= max) return Array.from({ length: depth }, (_, i) => i + 1);
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(1 + Math.round((i * (depth - 1)) / (max - 1)));
  return [...out];
}

export const HISTOGRAM_BINS = 24;

/** The activation's own range where it has one (tanh, sigmoid); else from the data, 0 included. */
function rangeOf(act: LayersParams['act'], h: Float64Array): { lo: number; hi: number } {
  if (act === 'tanh') return { lo: -1, hi: 1 };
  if (act === 'sigmoid') return { lo: 0, hi: 1 };
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (act === 'linear') {
    const m = Math.max(-lo, hi) || 1;
    return { lo: -m, hi: m };
  }
  return { lo: 0, hi: hi || 1 };
}

export function histogramOf(act: LayersParams['act'], layer: number, h: Float64Array, z: Float64Array, bins = HISTOGRAM_BINS): LayerHistogram {
  const fns = activation[act];
  const { lo, hi } = rangeOf(act, h);
  const counts = new Array<number>(bins).fill(0);
  const sat = new Array<number>(bins).fill(0);
  let nonFinite = 0;
  const width = (hi - lo) / bins;
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b]!++;
    if (isSaturated(fns, act, z[i]!)) sat[b]!++;
  }
  return { layer, lo, hi, bins: counts, saturated: sat, nonFinite };
}

export function layersReport(p: LayersParams): LayersReport {
  const layers = sampleLayers(p.depth);
  const { run, snapshot } = simulateLayersWith(p, { snapshotLayers: layers });
  const histograms = snapshot.layers.map((k, i) => histogramOf(p.act, k, snapshot.activations[i]!, snapshot.pre[i]!));
  const recommended = simulateLayers({ ...recommendedParams(p), steps: 0 });
  return { run, recommended, histograms };
}
