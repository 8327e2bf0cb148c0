import { simulateLayers, type LayersParams, type LayersRun } from '../engine/layers/index.ts';
import { approx, meanGain } from '../format/layers-verdict.ts';
import { fmt } from '../format/number.ts';
import { arrange } from './choices.ts';
import { mulberry32, type Rng } from './prng.ts';
import { LAYERS_KINDS, type LayersKind, type Question } from './types.ts';

/**
 * Questions about the /layers run a student just made. Every answer is read
 * off the engine's numbers for that run, and "which change fixes it" re-runs
 * the engine for every choice; distractors are real misconceptions (the first
 * layer always learns least, a smaller learning rate or clipping repairs the
 * backward pass, saturation explains everything).
 */

/** One change a student might try, as key=value text, and what it does to the network. */
export interface FixCandidate {
  change: string;
  /** Why a student might believe in it; shown in the explanation. */
  note: string;
  apply(p: LayersParams): LayersParams;
  /** True for changes that act only from the first update on: the step-0 backward pass does not read them. */
  trainingOnly: boolean;
}

const init = (p: LayersParams, i: LayersParams['init'], extra: Partial<LayersParams> = {}): LayersParams => ({ ...p, init: i, std: i === 'normal' ? (extra.std ?? 1) : null, w: i === 'const' ? (extra.w ?? 500) : null, gain: 1, ...extra });

export function fixCandidates(p: LayersParams): FixCandidate[] {
  // The init changes also reset gain to 1; say so when it was not.
  const g = p.init !== 'const' && p.gain !== 1 ? ' gain=1' : '';
  const out: FixCandidate[] = [
    { change: `init=he${g}`, note: "He's std sqrt(2/n) makes up for the half of ReLU units that are off", apply: (q) => init(q, 'he'), trainingOnly: false },
    { change: `init=xavier${g}`, note: "Xavier's std sqrt(1/n) keeps a unit-slope layer's signal steady", apply: (q) => init(q, 'xavier'), trainingOnly: false },
    { change: `act=tanh init=xavier${g}`, note: 'tanh has slope 1 at 0, where Xavier keeps it', apply: (q) => init({ ...q, act: 'tanh' }, 'xavier'), trainingOnly: false },
    { change: `act=relu init=he${g}`, note: 'ReLU passes back slope 1 where it is on', apply: (q) => init({ ...q, act: 'relu' }, 'he'), trainingOnly: false },
    { change: `init=normal std=1${g}`, note: 'bigger weights', apply: (q) => init(q, 'normal', { std: 1 }), trainingOnly: false },
    { change: `lr=${fmt(p.lr / 10, 'ascii')}`, note: 'the learning rate scales the update, after the backward pass', apply: (q) => ({ ...q, lr: q.lr / 10 }), trainingOnly: true },
    { change: 'clip=1', note: 'clipping rescales the finished gradient, not what each layer passes back', apply: (q) => ({ ...q, clip: 1 }), trainingOnly: true },
    { change: `steps=${Math.min(200, Math.max(1, p.steps) * 2)}`, note: 'more steps train longer from the same start', apply: (q) => ({ ...q, steps: Math.min(200, Math.max(1, q.steps) * 2) }), trainingOnly: true },
  ];
  // A change that changes nothing is no choice.
  return out.filter((c) => JSON.stringify(c.apply(p)) !== JSON.stringify(p));
}

export interface FixOutcome {
  change: string;
  ratio: number | null;
}

/** Whether the whole stack passes the gradient back within 10x either way. */
export function within10x(ratio: number | null): boolean {
  return ratio !== null && ratio >= 0.1 && ratio <= 10;
}

/**
 * Every candidate re-run in the engine, step 0 only (the ratio is a step-0
 * number). The training-only changes are not read before the first update,
 * so their step 0 is this run's own: its ratio, not a re-run.
 */
export function fixOutcomes(run: LayersRun): FixOutcome[] {
  return fixCandidates(run.params).map((c) => ({
    change: c.change,
    ratio: c.trainingOnly ? run.ratio_first_last : simulateLayers({ ...c.apply(run.params), steps: 0 }).ratio_first_last,
  }));
}

/** What the quiz needs beyond the run, computed where the run is (off the main thread). */
export interface LayersQuizFacts {
  fixes: FixOutcome[];
}

export function layersQuizFacts(run: LayersRun): LayersQuizFacts {
  const r = run.ratio_first_last;
  // Only asked when the run is outside 10x: then every candidate needs its own run.
  return { fixes: r === null || Number.isNaN(r) || within10x(r) ? [] : fixOutcomes(run) };
}

interface Ctx {
  run: LayersRun;
  facts: LayersQuizFacts;
  rng: Rng;
  about: string;
}

const ratioText = (r: number | null) => (r === null ? 'no gradient' : fmt(r));

function smallestQuestion({ run, rng, about }: Ctx): Question | null {
  const g = run.step0.grad_norm_w;
  const L = g.length;
  if (L < 3 || !g.every(Number.isFinite)) return null;
  const min = g.reduce((m, v, i) => (v < g[m]! ? i : m), 0);
  const max = g.reduce((m, v, i) => (v > g[m]! ? i : m), 0);
  const mid = Math.floor(L / 2);
  // The first layer (the textbook's "vanishing hits the first layers"), the last, the largest, the middle.
  const others = [...new Set([0, L - 1, max, mid, 1])].filter((i) => i !== min && g[i]! > g[min]!);
  const picked = arrange(rng, `layer ${min + 1}`, others.map((i) => `layer ${i + 1}`));
  if (!picked) return null;
  const shown = [min, ...others].sort((a, b) => a - b).map((i) => `layer ${i + 1}: ${fmt(g[i]!)}`);
  return {
    kind: 'layers-smallest',
    topic: 'run',
    question: `In your run (${about}), which layer's weights get the smallest gradient at step 0?`,
    ...picked,
    explanation: `norm(dloss/dW_k) at step 0 — ${shown.join(', ')}. dloss/dW_k multiplies what reaches layer k from above by the activations below it, so the smallest is not always the first layer.`,
  };
}

function fixQuestion({ run, facts, rng, about }: Ctx): Question | null {
  if (facts.fixes.length === 0) return null;
  const good = facts.fixes.filter((f) => within10x(f.ratio));
  const bad = facts.fixes.filter((f) => !within10x(f.ratio));
  if (good.length === 0 || bad.length < 2) return null;
  const right = good[0]!;
  const wrong = rng.shuffle(bad).slice(0, 3);
  const picked = arrange(rng, right.change, wrong.map((f) => f.change));
  if (!picked) return null;
  const notes = new Map(fixCandidates(run.params).map((c) => [c.change, c]));
  const line = (f: FixOutcome) => `${f.change} → ${ratioText(f.ratio)}${notes.get(f.change)?.trainingOnly ? ' (unchanged: it acts only after step 0)' : ''}`;
  return {
    kind: 'layers-fix',
    topic: 'run',
    question: `Your run (${about}) multiplies the gradient by ${ratioText(run.ratio_first_last)} on its way back. Which one change brings that within 10× of 1?`,
    ...picked,
    explanation: `Each choice re-run in the engine, step 0: ${[right, ...wrong].map(line).join('; ')}. Only ${right.change} lands between 0.1 and 10: ${notes.get(right.change)?.note ?? ''}.`,
  };
}

const pct = (v: number) => `${Math.round(100 * v)}%`;

function saturatedQuestion({ run, rng, about }: Ctx): Question | null {
  const p = run.params;
  if (p.act === 'linear') return null;
  const s = run.step0.saturated;
  const k = s.reduce((m, v, i) => (v > s[m]! ? i : m), 0);
  const share = s[k]!;
  const right = Math.round(100 * share);
  // Half the units (the ReLU rule of thumb), none, all, and the complement; each at least 5 points from the truth.
  const pool = [50, 0, 100, 100 - right, Math.round(right / 2), Math.min(100, right + 25)].filter((v) => Math.abs(v - right) >= 5);
  const picked = arrange(rng, pct(share), pool.map((v) => `${v}%`));
  if (!picked) return null;
  const word = p.act === 'relu' ? 'dead (z ≤ 0)' : `saturated (${p.act === 'sigmoid' ? 'σ′' : 'tanh′'}(z) below a tenth of its peak)`;
  const n = p.batch * p.width;
  return {
    kind: 'layers-saturated',
    topic: 'run',
    question: `In your run (${about}), what share of layer ${k + 1}'s units is ${p.act === 'relu' ? 'dead' : 'saturated'} at step 0?`,
    ...picked,
    explanation: `Of layer ${k + 1}'s ${n} values of z (${p.batch} samples × ${p.width} units), ${Math.round(share * n)} are ${word}: ${pct(share)}. Those pass almost nothing back.`,
  };
}

function xavierSigmoidQuestion({ run, rng, about }: Ctx): Question | null {
  const p = run.params;
  if (p.act !== 'sigmoid' || p.init !== 'xavier' || p.gain !== 1 || run.verdict !== 'vanishing') return null;
  const g = meanGain(run);
  if (g === null || g >= 0.5) return null;
  const maxSat = Math.max(...run.step0.saturated);
  const distractors = ['The learning rate is too small for the gradient to reach the input', 'Xavier is only meant for ReLU networks'];
  // "The weights saturate the units" is a misconception only when this run's units are in fact not saturated.
  if (maxSat < 0.1) distractors.push('Xavier makes the weights so large that every sigmoid saturates');
  if (p.clip === null) distractors.push('Clipping cuts the gradient off before it reaches layer 1');
  const picked = arrange(rng, `σ′ is at most 0.25, so each layer shrinks the gradient (here ×${approx(g, 'unicode', 2)})`, distractors);
  if (!picked) return null;
  return {
    kind: 'layers-xavier-sigmoid',
    topic: 'run',
    question: `Your run (${about}) uses Xavier, which keeps each layer's weights at variance 1/n. Why does the gradient still vanish?`,
    ...picked,
    explanation: `Xavier assumes a unit with slope 1 at 0 (like tanh). Sigmoid's slope is at most 0.25, so each layer multiplies the gradient by about ${approx(g, 'unicode', 2)} on its way back, and ${p.depth} layers leave ${fmt(run.ratio_first_last ?? 0)} of it. At most ${pct(maxSat)} of any layer's units are saturated${p.clip === null ? ', and there is no clipping' : ''}; the learning rate acts only after the backward pass.`,
  };
}

const MAKERS: Record<LayersKind, (c: Ctx) => Question | null> = {
  'layers-smallest': smallestQuestion,
  'layers-fix': fixQuestion,
  'layers-saturated': saturatedQuestion,
  'layers-xavier-sigmoid': xavierSigmoidQuestion,
};

/** The run in a few words for a question: the keys that matter. */
export function describeLayersRun(p: LayersParams): string {
  const initPart = p.init === 'normal' ? `init=normal std=${p.std}` : p.init === 'const' ? `w=${p.w}` : `init=${p.init}`;
  return `depth=${p.depth} width=${p.width} act=${p.act} ${initPart}${p.init !== 'const' && p.gain !== 1 ? ` gain=${p.gain}` : ''}`;
}

/** One question about the run, the same for the same seed (a seeded order of the kinds, the first that applies); null when none does. */
export function layersQuestion(run: LayersRun, facts: LayersQuizFacts, seed: number, kind?: LayersKind): Question | null {
  const rng = mulberry32(seed);
  const ctx: Ctx = { run, facts, rng, about: describeLayersRun(run.params) };
  if (kind) return MAKERS[kind](ctx);
  const order = rng.shuffle([...LAYERS_KINDS]);
  for (const k of order) {
    const q = MAKERS[k](ctx);
    if (q) return q;
  }
  return null;
}
