import { clipText } from '../format/clip.ts';
import {
  activation,
  healthyBaseline,
  simulate,
  verdictOf,
  type Factor,
  type RunResult,
  type RunSpec,
  type Verdict,
} from '../engine/index.ts';
import { layerPairs } from '../format/layers.ts';
import { arrange, arrangeNumbers, num, paren } from './choices.ts';
import { mulberry32, type Rng } from './prng.ts';
import { RUN_KINDS, type Question, type RunKind } from './types.ts';

/**
 * Questions about the run a student just made. Every number in an answer is
 * read off the engine's result for that run; distractors are what a student
 * gets by a known misconception (forgetting phi', using 0.25 for ReLU, a sign
 * error, adding the factors, lr * w instead of lr * g).
 */

/** The run in a few words, with only the keys that differ from the lecture's defaults beyond w, lr, depth, act. */
export function describeRun(spec: RunSpec): string {
  const layers = layerPairs;
  const parts = [`w=${spec.w}`, ...layers('w', spec.wLayers)];
  if (spec.b !== null) parts.push(`b=${spec.b}`);
  parts.push(...layers('b', spec.bLayers), `lr=${spec.lr}`, `depth=${spec.depth}`, `act=${spec.act}`);
  if (spec.x !== 1) parts.push(`x=${spec.x}`);
  if (spec.y !== 1) parts.push(`y=${spec.y}`);
  if (spec.steps !== 30) parts.push(`steps=${spec.steps}`);
  if (spec.clip !== null) parts.push(`clip=${spec.clip}`);
  const s = parts.join(' ');
  return clipText(s, 160);
}

interface Ctx {
  spec: RunSpec;
  run: RunResult;
  verdict: Verdict;
  rng: Rng;
  about: string;
}

const linkOf = (run: RunResult, layer: number): Factor | undefined => run.step0.factors.find((f) => f.kind === 'link' && f.layer === layer);

function boundQuestion({ run, rng, about }: Ctx): Question | null {
  const link = linkOf(run, 2);
  if (!link || link.bound === null) return null;
  const p = run.params;
  const fns = activation[p.act];
  const w2 = Math.abs(p.w[1]!);
  const bound = link.bound;
  const sigmoidPeak = activation.sigmoid.peak;
  const distractors = [
    w2, // forgetting phi'
    p.act === 'sigmoid' ? 0.5 * w2 : sigmoidPeak * w2, // sigma(0) = 0.5 for sigma'(0); or sigmoid's 0.25 on ReLU/tanh
    fns.peak + w2, // adding instead of multiplying
    link.value, // the real value, which is only bounded by this
    fns.peak * Math.abs(p.x), // the input factor's bound, a mixed-up link
  ];
  const c = arrangeNumbers(rng, bound, distractors);
  if (!c) return null;
  const real = link.value === bound ? 'Here the real value equals the bound.' : `Here the real value is ${num(link.value)}.`;
  const slip =
    p.act === 'sigmoid' ? `Forgetting ${fns.symbol} would give ${num(w2)}.` : `Using the sigmoid's 0.25 for ${p.act} would give ${num(sigmoidPeak * w2)}.`;
  return {
    kind: 'run-bound',
    topic: 'run',
    question: `Run ${about}: what is the lecture's upper bound on |do2/do1| (the lecture's dO21/dO11)?`,
    ...c,
    explanation: `do2/do1 = ${fns.symbol}(z2)·w2, and ${fns.symbol} never exceeds ${num(fns.peak)} for ${p.act}, so |do2/do1| ≤ ${num(fns.peak)} × |w2| = ${num(fns.peak)} × ${num(w2)} = ${num(bound)}. ${real} ${slip}`,
  };
}

function updateQuestion({ run, rng, about }: Ctx): Question | null {
  const next = run.trajectory.w[1]?.[0];
  if (next === undefined || !Number.isFinite(next)) return null;
  const p = run.params;
  const s = run.step0;
  const w1 = p.w[0]!;
  const clipped = p.clip !== null && s.clipScale < 1;
  const g = clipped ? s.clipped.w[0]! : s.grad_w1;
  const sum = s.factors.reduce((acc, f) => acc + f.value, 0);
  // The chain without any phi': dloss/doL x w_L x ... x w_2 x x.
  const noPhi = s.factors.reduce((acc, f) => acc * (f.kind === 'loss' ? f.value : f.kind === 'link' ? p.w[f.layer - 1]! : p.x), 1);
  const distractors = [
    w1 + p.lr * g, // sign error
    w1 - p.lr * w1, // lr * w instead of lr * g
    w1 - p.lr * sum, // adding the factors
    ...(clipped ? [w1 - p.lr * s.grad_w1] : []), // ignoring the clip
    w1 - g, // forgetting lr
    w1 - p.lr * noPhi, // forgetting phi'
  ];
  const c = arrangeNumbers(rng, next, distractors);
  if (!c) return null;
  const clipNote = clipped ? ` Clipping scaled the gradient by ${num(s.clipScale)} first (norm ${num(s.gradNorm)} > ${num(p.clip!)}), so g = ${num(g)}.` : '';
  return {
    kind: 'run-update',
    topic: 'run',
    question: `Run ${about}: w1 starts at ${num(w1)}. What is w1 after the first gradient-descent step?`,
    ...c,
    explanation: `w1_new = w1 − lr × dloss/dw1 = ${num(w1)} − ${num(p.lr)} × ${paren(g)} = ${num(next)}. dloss/dw1 is the product (not the sum) of the chain's factors: ${num(s.grad_w1)}.${clipNote}`,
  };
}

function smallestQuestion({ run, rng, about }: Ctx): Question | null {
  const fs = run.step0.factors;
  if (fs.length < 3 || !fs.every((f) => Number.isFinite(f.value))) return null;
  const bySize = [...fs].sort((a, b) => Math.abs(a.value) - Math.abs(b.value));
  const min = bySize[0]!;
  // A tie (two factors equally small) has no single right answer.
  if (num(Math.abs(bySize[1]!.value)) === num(Math.abs(min.value))) return null;
  const signedMin = [...fs].sort((a, b) => a.value - b.value)[0]!;
  const largest = bySize[bySize.length - 1]!;
  const others = rng.shuffle(fs.filter((f) => f !== min && f !== signedMin && f !== largest));
  const distractors = [signedMin, largest, ...others].filter((f) => f !== min).map((f) => f.label);
  const c = arrange(rng, min.label, distractors);
  if (!c) return null;
  const shown = [min, ...fs.filter((f) => c.choices.includes(f.label) && f !== min)].map((f) => `${f.label} = ${num(f.value)}`);
  const sign = signedMin !== min ? ` ${signedMin.label} is the most negative, but size is what shrinks a product.` : '';
  return {
    kind: 'run-smallest',
    topic: 'run',
    question: `Run ${about}: which chain-rule factor of dloss/dw1 is smallest in size (closest to 0) at step 0?`,
    ...c,
    explanation: `At step 0: ${shown.join(', ')}. The smallest in size is ${min.label} = ${num(min.value)}.${sign}`,
  };
}

function divergeQuestion({ spec, run, verdict, rng, about }: Ctx): Question | null {
  const t = run.diverged_at;
  const steps = spec.steps;
  const never = `No: every number stays finite for all ${steps} steps`;
  const at = (k: number) => `Yes, it overflows at step ${k}`;
  const candidates = [1, 0, 2, t === null ? 3 : t + 1, t === null ? steps : t - 1, Math.ceil(steps / 2), steps]
    .filter((k) => k >= 0 && k <= steps && k !== t);
  const right = t === null ? never : at(t);
  const saturates = (run.params.act === 'sigmoid' || run.params.act === 'tanh') && verdict.gain >= 10;
  const distractors = [...(t === null ? [] : [never]), ...[...new Set(candidates)].map(at)];
  const c = arrange(rng, right, distractors);
  if (!c) return null;
  const explanation =
    t === null
      ? `The engine ran all ${steps} steps: the largest weight grew ×${num(verdict.growth)} and nothing overflowed.${saturates ? ` The chain's gain is ${num(verdict.gain)}, but as the weights move the neurons saturate and pass back almost no gradient, which stops the blow-up short of overflow.` : ''}`
      : `The engine's loop found a non-finite ${Number.isFinite(run.trajectory.loss[t] ?? 0) ? 'weight' : 'loss'} at step ${t}: the updates kept growing (the chain's gain at step 0 is ${num(verdict.gain)}) until they passed the largest double, about 1.8 × 10³⁰⁸.`;
  return {
    kind: 'run-diverge',
    topic: 'run',
    question: `Run ${about}: will training diverge (a weight or the loss overflows to ∞/NaN), and when?`,
    ...c,
    explanation,
  };
}

/** What "fixed" means for the run's own symptom, and how to say the outcome of a change. */
interface Criterion {
  name: string;
  fixed(r: RunResult, v: Verdict): boolean;
  outcome(r: RunResult, v: Verdict): string;
}

function criterionFor(run: RunResult, v: Verdict): Criterion | null {
  const inRange: Criterion = {
    name: 'keeps the weights in range',
    fixed: (r, rv) => r.diverged_at === null && rv.growth < 10,
    outcome: (r, rv) => (r.diverged_at !== null ? `diverges at step ${r.diverged_at}` : `weights grow ×${num(rv.growth)}`),
  };
  const gain = (label: string, ok: (g: number) => boolean): Criterion => ({
    name: label,
    fixed: (r, rv) => r.diverged_at === null && ok(rv.gain),
    outcome: (r, rv) => (r.diverged_at !== null ? `diverges at step ${r.diverged_at}` : `chain gain ${num(rv.gain)}`),
  });
  switch (v.kind) {
    case 'healthy':
      return null;
    case 'diverged':
      return inRange;
    case 'exploding':
      return v.growth >= 10 ? inRange : gain('brings the chain gain below 10', (g) => g < 10);
    case 'saturated':
      return {
        name: 'leaves no neuron saturated',
        fixed: (r, rv) => r.diverged_at === null && rv.flatLayers.length === 0,
        outcome: (_r, rv) => (rv.flatLayers.length === 0 ? 'no flat neuron' : `${rv.flatLayers.length} flat neuron(s)`),
      };
    case 'vanishing':
      return gain('brings the chain gain above 0.1', (g) => g > 0.1);
  }
}

interface Change {
  label: string;
  spec: RunSpec;
  /** One of the issue's three remedies: a smaller lr, a sane initialisation, clipping. */
  remedy: boolean;
}

function changesFor(spec: RunSpec): Change[] {
  const peak = activation[spec.act].peak;
  const sane = healthyBaseline(spec);
  const clip = spec.clip === null ? 1 : spec.clip / 10;
  const lrSmall = spec.lr / 100;
  const lrBig = spec.lr * 10;
  const longer = Math.min(1000, spec.steps * 4);
  const deeper = Math.min(50, spec.depth + 2);
  const doubled = Object.fromEntries(Object.entries(spec.wLayers).map(([k, v]) => [k, v * 2]));
  return [
    { label: `A smaller learning rate (lr=${lrSmall})`, spec: { ...spec, lr: lrSmall }, remedy: true },
    { label: `A sane init: w=${num(1 / peak)} in every layer (Xavier-style)`, spec: sane, remedy: true },
    { label: `Clip the gradient norm (clip=${clip})`, spec: { ...spec, clip }, remedy: true },
    { label: `A larger learning rate (lr=${lrBig})`, spec: { ...spec, lr: lrBig }, remedy: false },
    ...(spec.steps < 1000 ? [{ label: `Train longer (steps=${longer})`, spec: { ...spec, steps: longer }, remedy: false }] : []),
    ...(spec.depth < 50 ? [{ label: `Add layers (depth=${deeper})`, spec: { ...spec, depth: deeper }, remedy: false }] : []),
    ...(spec.w !== 0 ? [{ label: `Double every weight (w=${spec.w * 2})`, spec: { ...spec, w: spec.w * 2, wLayers: doubled }, remedy: false }] : []),
  ];
}

function fixQuestion({ spec, run, verdict, rng, about }: Ctx): Question | null {
  const crit = criterionFor(run, verdict);
  if (!crit) return null;
  const tried = changesFor(spec).map((c) => {
    const r = simulate(c.spec);
    const v = verdictOf(r);
    return { ...c, works: crit.fixed(r, v), outcome: crit.outcome(r, v) };
  });
  const working = tried.filter((c) => c.remedy && c.works);
  const failing = tried.filter((c) => !c.works);
  if (working.length === 0 || failing.length < 2) return null;
  const right = rng.pick(working);
  const c = arrange(rng, right.label, rng.shuffle(failing).map((f) => f.label));
  if (!c) return null;
  const shownFailing = failing.filter((f) => c.choices.includes(f.label)).map((f) => `${f.label.replace(/^(.)/, (m) => m.toLowerCase())}: ${f.outcome}`);
  return {
    kind: 'run-fix',
    topic: 'run',
    question: `Run ${about} is ${verdict.kind}. Which one change ${crit.name}?`,
    ...c,
    explanation: `Re-running each change in the engine: ${right.label.replace(/^(.)/, (m) => m.toLowerCase())} → ${right.outcome}. The others fail: ${shownFailing.join('; ')}.`,
  };
}

const builders: Record<RunKind, (ctx: Ctx) => Question | null> = {
  'run-bound': boundQuestion,
  'run-update': updateQuestion,
  'run-smallest': smallestQuestion,
  'run-diverge': divergeQuestion,
  'run-fix': fixQuestion,
};

export interface RunQuestionOptions {
  /** Ask this kind if the run allows it; otherwise a seeded choice among the kinds that apply. */
  kind?: RunKind | undefined;
  /** The run, when the caller already simulated it. */
  run?: RunResult | undefined;
}

/** Every kind of question this run supports, each built from the same seed. */
export function allRunQuestions(spec: RunSpec, seed: number, run: RunResult = simulate(spec)): Question[] {
  return RUN_KINDS.map((k) => runQuestionOfKind(spec, seed, k, run)).filter((q): q is Question => q !== null);
}

export function runQuestionOfKind(spec: RunSpec, seed: number, kind: RunKind, run: RunResult = simulate(spec)): Question | null {
  const rng = mulberry32(seed);
  return builders[kind]({ spec, run, verdict: verdictOf(run), rng, about: describeRun(spec) });
}

/**
 * One question about this run, the same for the same seed. Kinds that don't
 * apply (no second layer, a diverged first step, a healthy run to fix) are
 * skipped; diverge always applies, so there is always a question.
 */
export function runQuestion(spec: RunSpec, seed: number, opts: RunQuestionOptions = {}): Question {
  const run = opts.run ?? simulate(spec);
  const order = mulberry32(seed).shuffle(RUN_KINDS);
  const kinds = opts.kind ? [opts.kind, ...order.filter((k) => k !== opts.kind)] : order;
  for (const k of kinds) {
    const q = runQuestionOfKind(spec, seed, k, run);
    if (q) return q;
  }
  throw new Error(`no question applies to run ${describeRun(spec)}`);
}
