import type { Activation } from '../activations.ts';

export const INITS = ['xavier', 'he', 'normal', 'const'] as const;
export type Init = (typeof INITS)[number];

/** A /layers run after defaults: exactly the spec's `params` object. */
export interface LayersParams {
  depth: number;
  width: number;
  act: Activation;
  init: Init;
  /** The standard deviation init=normal uses; null for the other inits. */
  std: number | null;
  /** Every weight's value for init=const; null for the other inits. */
  w: number | null;
  gain: number;
  batch: number;
  seed: number;
  lr: number;
  steps: number;
  clip: number | null;
}

export const LAYERS_DEFAULTS = {
  depth: 10,
  width: 64,
  act: 'tanh',
  init: 'xavier',
  std: 1,
  w: 500,
  gain: 1,
  batch: 32,
  seed: 751,
  lr: 0.01,
  steps: 20,
} as const;

export const LAYERS_LIMITS = { maxDepth: 50, maxWidth: 128, maxBatch: 64, maxSteps: 200, maxSeed: 4294967295 } as const;

/** Above this many width² × batch × depth × (steps + 1), a run is refused (the spec's work cap). */
export const MAX_LAYERS_WORK = 200_000_000;

export function layersWork(p: Pick<LayersParams, 'width' | 'batch' | 'depth' | 'steps'>): number {
  return p.width * p.width * p.batch * p.depth * (p.steps + 1);
}

export function layersParams(overrides: Partial<LayersParams> = {}): LayersParams {
  const d = LAYERS_DEFAULTS;
  const init = overrides.init ?? d.init;
  return {
    depth: d.depth,
    width: d.width,
    act: d.act,
    gain: d.gain,
    batch: d.batch,
    seed: d.seed,
    lr: d.lr,
    steps: d.steps,
    clip: null,
    ...overrides,
    init,
    std: init === 'normal' ? (overrides.std ?? d.std) : null,
    w: init === 'const' ? (overrides.w ?? d.w) : null,
  };
}

/** The init practitioners use for this activation: He for ReLU, Xavier for the rest. */
export function recommendedInit(act: Activation): 'xavier' | 'he' {
  return act === 'relu' ? 'he' : 'xavier';
}

/** The same network under the recommended init (gain 1): what the pictures draw dashed beside a run. */
export function recommendedParams(p: LayersParams): LayersParams {
  return { ...p, init: recommendedInit(p.act), gain: 1, std: null, w: null };
}

/** The standard deviation each weight is drawn with (0 for const). */
export function weightScale(p: LayersParams): number {
  switch (p.init) {
    case 'xavier':
      return p.gain * Math.sqrt(1 / p.width);
    case 'he':
      return p.gain * Math.sqrt(2 / p.width);
    case 'normal':
      return p.gain * (p.std ?? LAYERS_DEFAULTS.std);
    case 'const':
      return 0;
  }
}
