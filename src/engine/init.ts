import { activation, type Activation } from './activations.ts';
import type { Chain } from './network.ts';

/** What a user asks for, before defaults and centring are applied. Layer maps are 1-based. */
export interface RunSpec {
  depth: number;
  act: Activation;
  x: number;
  y: number;
  lr: number;
  steps: number;
  clip: number | null;
  w: number;
  b: number | 'centered' | null; // null: the activation's default
  wLayers: Readonly<Record<number, number>>;
  bLayers: Readonly<Record<number, number>>;
}

/** The parameters after defaults and centring: what the spec's `params` reports. */
export interface RunParams extends Omit<RunSpec, 'w' | 'b' | 'wLayers' | 'bLayers'> {
  w: number[];
  b: number[];
}

export const LECTURE_DEFAULTS = {
  depth: 3,
  act: 'sigmoid',
  x: 1,
  y: 1,
  lr: 0.01,
  steps: 30,
  clip: null,
  w: 500,
} as const satisfies Partial<RunSpec>;

export function defaultBias(act: Activation): 'centered' | 0 {
  return act === 'sigmoid' || act === 'tanh' ? 'centered' : 0;
}

export function lectureSpec(overrides: Partial<RunSpec> = {}): RunSpec {
  return { ...LECTURE_DEFAULTS, b: null, wLayers: {}, bLayers: {}, ...overrides };
}

/**
 * Centring walks the chain forward, so each b_k = -w_k * o_{k-1} uses the
 * already-centred o_{k-1}; an explicit b_k override breaks centring from there on.
 */
export function resolveParams(spec: RunSpec): RunParams {
  const phi = activation[spec.act].phi;
  const bMode = spec.b ?? defaultBias(spec.act);
  const w: number[] = [];
  const b: number[] = [];
  let prev = spec.x;
  for (let k = 1; k <= spec.depth; k++) {
    const wk = spec.wLayers[k] ?? spec.w;
    const bk = spec.bLayers[k] ?? (bMode === 'centered' ? -wk * prev : bMode);
    w.push(wk);
    b.push(bk);
    prev = phi(wk * prev + bk);
  }
  return { depth: spec.depth, act: spec.act, x: spec.x, y: spec.y, lr: spec.lr, steps: spec.steps, clip: spec.clip, w, b };
}

export function chainOf(p: RunParams): Chain {
  return { act: p.act, w: [...p.w], b: [...p.b] };
}
