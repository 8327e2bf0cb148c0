import type { RunSpec } from '../engine/index.ts';
import { layerPairs } from '../format/layers.ts';
import { parseParams, type ParamInput, type ParseResult } from './parse.ts';
import { EXPLODE_LAYER_KEYS, MAX_DEPTH, explodeSchema, type ExplodeInput } from './schemas.ts';

export type ExplodeParse = { ok: true; spec: RunSpec; notes: string[] } | { ok: false; message: string; keys: (string | null)[] };

/** The explode language all the way to the engine's RunSpec, with per-layer keys checked against depth. */
export function parseExplode(input: ParamInput): ExplodeParse {
  const r: ParseResult<ExplodeInput> = parseParams(explodeSchema, input, { layerKeys: EXPLODE_LAYER_KEYS, maxLayer: MAX_DEPTH });
  if (!r.ok) return { ok: false, message: r.message, keys: r.errors.map((e) => e.key) };
  const { values: v, layers, notes } = r.value;
  const tooDeep = Object.entries(layers).flatMap(([k, m]) => Object.keys(m).map(Number).filter((n) => n > v.depth).map((n) => `${k}${n}`));
  if (tooDeep.length > 0) {
    const message = `\`${tooDeep[0]}\` names layer ${tooDeep[0]!.slice(1)}, but depth is ${v.depth}; layers are 1 to ${v.depth}.`;
    return { ok: false, message, keys: [tooDeep[0]!] };
  }
  const spec: RunSpec = {
    depth: v.depth,
    act: v.act,
    x: v.x,
    y: v.y,
    lr: v.lr,
    steps: v.steps,
    clip: v.clip ?? null,
    w: v.w,
    b: v.b ?? null,
    wLayers: layers.w ?? {},
    bLayers: layers.b ?? {},
  };
  return { ok: true, spec, notes };
}

/** The canonical text of a spec: equal runs give equal strings (used as a cache key and in replies). */
export function specKey(spec: RunSpec): string {
  const layer = layerPairs;
  return [
    `w=${spec.w}`,
    ...layer('w', spec.wLayers),
    `b=${spec.b ?? 'default'}`,
    ...layer('b', spec.bLayers),
    `lr=${spec.lr}`,
    `depth=${spec.depth}`,
    `act=${spec.act}`,
    `x=${spec.x}`,
    `y=${spec.y}`,
    `steps=${spec.steps}`,
    `clip=${spec.clip ?? 'off'}`,
  ].join(' ');
}
