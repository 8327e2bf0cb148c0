import { z } from 'zod';
import { ACTIVATIONS } from '../engine/activations.ts';
import { INITS, LAYERS_DEFAULTS as D, LAYERS_LIMITS as LIM, MAX_LAYERS_WORK, layersWork, type LayersParams } from '../engine/layers/params.ts';
import { fmt } from '../format/number.ts';
import { parseParams, type ParamInput } from './parse.ts';

/**
 * Presets a TA can name in class. Each is a documented set of parameters;
 * explicit keys override a preset's. The two ReLU presets use 20 layers, so the
 * slow shrink of ReLU under Xavier (about 0.7 per layer) adds up to a verdict.
 */
export const LAYERS_PRESETS = {
  'small-random': { about: 'tanh, weights N(0, 0.01²): the signal dies on its way through', values: { act: 'tanh', init: 'normal', std: 0.01 } },
  'large-random': { about: 'tanh, weights N(0, 1): units saturate and the gradient grows', values: { act: 'tanh', init: 'normal', std: 1 } },
  'relu-xavier': { about: 'ReLU with Xavier, 20 layers: half the units dead, a slow vanish', values: { act: 'relu', init: 'xavier', depth: 20 } },
  he: { about: 'ReLU with He, 20 layers: ReLU done right', values: { act: 'relu', init: 'he', depth: 20 } },
  lecture: { about: "sigmoid, every weight 500 (the lecture's): every path saturated", values: { act: 'sigmoid', init: 'const', w: 500 } },
} as const satisfies Record<string, { about: string; values: Partial<LayersParams> }>;

export type LayersPreset = keyof typeof LAYERS_PRESETS;
export const PRESET_NAMES = Object.keys(LAYERS_PRESETS) as [LayersPreset, ...LayersPreset[]];

/*
 * Every key is optional in the schema (the default is carried in meta for help
 * and Discord): whether a key was given decides presets, std => init=normal and w => init=const.
 */
const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const layersSchema = z.object({
  preset: z.enum(PRESET_NAMES).optional().describe('a named set of the keys below; keys you give win').meta({ example: 'he' }),
  depth: int(1, LIM.maxDepth).optional().describe('layers').meta({ example: '10', default: D.depth }),
  width: int(1, LIM.maxWidth).optional().describe('units per layer (and inputs)').meta({ example: '64', default: D.width }),
  act: z.enum(ACTIVATIONS).optional().describe('activation of every layer').meta({ example: 'tanh', default: D.act }),
  init: z.enum(INITS).optional().describe('how the weights start').meta({ example: 'xavier', default: D.init }),
  std: z.number().gt(0).optional().describe('standard deviation for init=normal (implies it)').meta({ example: '0.01', default: D.std }),
  w: z.number().optional().describe('every weight for init=const (implies it)').meta({ example: '500', default: D.w }),
  gain: z.number().gt(0).optional().describe('multiplies the std of xavier, he and normal').meta({ example: '1', default: D.gain }),
  batch: int(1, LIM.maxBatch).optional().describe('samples').meta({ example: '32', default: D.batch }),
  seed: int(0, LIM.maxSeed).optional().describe('the random stream').meta({ example: '751', default: D.seed }),
  lr: z.number().gt(0).optional().describe('learning rate').meta({ example: '0.01', default: D.lr }),
  steps: int(0, LIM.maxSteps).optional().describe('gradient-descent steps').meta({ example: '20', default: D.steps }),
  clip: z.number().gt(0).optional().describe('clip the global gradient norm to this (off by default)').meta({ example: '1' }),
});
export type LayersInput = z.infer<typeof layersSchema>;

export type LayersParse = { ok: true; params: LayersParams; preset: LayersPreset | null; notes: string[] } | { ok: false; message: string; keys: (string | null)[] };

const refuse = (message: string, ...keys: string[]): LayersParse => ({ ok: false, message, keys });

/** "lower steps to at most 5, or depth to at most 12": what brings a run under the work cap, one key at a time. */
function lowerHint(p: Pick<LayersParams, 'width' | 'batch' | 'depth' | 'steps'>): string {
  const room = (others: number) => Math.floor(MAX_LAYERS_WORK / others);
  const hints: string[] = [];
  const steps = room(p.width * p.width * p.batch * p.depth) - 1;
  if (steps >= 0) hints.push(`steps to at most ${steps}`);
  const depth = room(p.width * p.width * p.batch * (p.steps + 1));
  if (depth >= 1) hints.push(`depth to at most ${depth}`);
  const width = Math.floor(Math.sqrt(room(p.batch * p.depth * (p.steps + 1))));
  if (width >= 1) hints.push(`width to at most ${width}`);
  const batch = room(p.width * p.width * p.depth * (p.steps + 1));
  if (batch >= 1) hints.push(`batch to at most ${batch}`);
  return hints.length > 0 ? `lower ${hints.join(', or ')}` : 'lower width, depth, batch or steps';
}

export function workCapMessage(p: Pick<LayersParams, 'width' | 'batch' | 'depth' | 'steps'>): string {
  const work = layersWork(p);
  return (
    `That run is too big: width² × batch × depth × (steps + 1) = ${p.width}² × ${p.batch} × ${p.depth} × ${p.steps + 1} = ${fmt(work)}, ` +
    `above the cap of ${fmt(MAX_LAYERS_WORK)}; ${lowerHint(p)}.`
  );
}

/** The /layers language all the way to the engine's params: presets, the spec's contradictions, the work cap. */
export function parseLayers(input: ParamInput): LayersParse {
  const r = parseParams(layersSchema, input);
  if (!r.ok) return { ok: false, message: r.message, keys: r.errors.map((e) => e.key) };
  const v = r.value.values;
  const preset = v.preset ?? null;
  const base: Partial<LayersParams> = preset ? LAYERS_PRESETS[preset].values : {};
  if (v.std !== undefined && v.w !== undefined) {
    return refuse(`\`std=${v.std}\` and \`w=${v.w}\` cannot go together: std is for init=normal, w for init=const; give one of them.`, 'std', 'w');
  }
  if (v.init !== undefined && v.std !== undefined && v.init !== 'normal') {
    return refuse(`\`init=${v.init}\` contradicts \`std=${v.std}\`: std sets the spread of init=normal; drop std, or write init=normal.`, 'init', 'std');
  }
  if (v.init !== undefined && v.w !== undefined && v.init !== 'const') {
    return refuse(`\`init=${v.init}\` contradicts \`w=${v.w}\`: w sets every weight of init=const; drop w, or write init=const.`, 'init', 'w');
  }
  const implied = v.std !== undefined ? 'normal' : v.w !== undefined ? 'const' : undefined;
  const init = v.init ?? implied ?? base.init ?? D.init;
  if (init === 'const' && v.gain !== undefined) {
    const why = v.init !== undefined ? '`init=const`' : v.w !== undefined ? `\`w=${v.w}\` (init=const)` : `\`preset=${preset}\` (init=const)`;
    return refuse(`\`gain=${v.gain}\` does nothing with ${why}: gain scales the random inits (xavier, he, normal); drop gain, or pick one of those.`, 'gain');
  }
  const fromBase = (key: 'std' | 'w'): number | undefined => (base.init === init ? (base[key] ?? undefined) : undefined);
  const params: LayersParams = {
    depth: v.depth ?? base.depth ?? D.depth,
    width: v.width ?? base.width ?? D.width,
    act: v.act ?? base.act ?? D.act,
    init,
    std: init === 'normal' ? (v.std ?? fromBase('std') ?? D.std) : null,
    w: init === 'const' ? (v.w ?? fromBase('w') ?? D.w) : null,
    gain: v.gain ?? base.gain ?? D.gain,
    batch: v.batch ?? base.batch ?? D.batch,
    seed: v.seed ?? base.seed ?? D.seed,
    lr: v.lr ?? base.lr ?? D.lr,
    steps: v.steps ?? base.steps ?? D.steps,
    clip: v.clip ?? base.clip ?? null,
  };
  if (layersWork(params) > MAX_LAYERS_WORK) return refuse(workCapMessage(params), 'width', 'batch', 'depth', 'steps');
  return { ok: true, params, preset, notes: r.value.notes };
}

/** The canonical text of a run: equal runs give equal strings (a cache key, and what replies echo). */
export function layersKey(p: LayersParams): string {
  const init = p.init === 'normal' ? `init=normal std=${p.std}` : p.init === 'const' ? `init=const w=${p.w}` : `init=${p.init}`;
  const gain = p.init === 'const' ? [] : [`gain=${p.gain}`];
  return [`depth=${p.depth}`, `width=${p.width}`, `act=${p.act}`, init, ...gain, `batch=${p.batch}`, `seed=${p.seed}`, `lr=${p.lr}`, `steps=${p.steps}`, `clip=${p.clip ?? 'off'}`].join(' ');
}
