import { clipText } from '../format/clip.ts';
import {
  activation,
  defaultBias,
  EXPLODING_GAIN,
  frozenFrom,
  gradientIsZero,
  resolveParams,
  saturatedLayers,
  simulate,
  unitGainStart,
  verdictOf,
  type Factor,
  type RunResult,
  type RunSpec,
  type Verdict,
} from '../engine/index.ts';
import { layerPairs } from '../format/layers.ts';
import { arrange, arrangeNumbers, num, paren } from './choices.ts';
import { gainText, layersText, runStory, stepsText } from './run-story.ts';
import { mulberry32, type Rng } from './prng.ts';
import { MAX_CHOICE_CHARS, RUN_KINDS, type Question, type RunKind } from './types.ts';

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
  const shown = (v: number) => num(v) !== num(bound) && c.choices.includes(num(v));
  const real = link.value === bound ? 'Here the real value equals the bound.' : `Here the real value is ${num(link.value)}.`;
  const slip =
    p.act === 'sigmoid'
      ? shown(w2)
        ? ` Forgetting ${fns.symbol} would give ${num(w2)}.`
        : ''
      : shown(sigmoidPeak * w2)
        ? ` Using the sigmoid's 0.25 for ${p.act} would give ${num(sigmoidPeak * w2)}.`
        : '';
  return {
    kind: 'run-bound',
    topic: 'run',
    question: `Run ${about}: what is the lecture's upper bound on |do2/do1| (the lecture's dO21/dO11)?`,
    ...c,
    explanation: `do2/do1 = ${fns.symbol}(z2)·w2, and ${fns.symbol} never exceeds ${num(fns.peak)} for ${p.act}, so |do2/do1| ≤ ${num(fns.peak)} × |w2| = ${num(fns.peak)} × ${num(w2)} = ${num(bound)}. ${real}${slip}`,
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
  const product = `dloss/dw1 is the product (not the sum) of the chain's factors: ${num(s.grad_w1)}.`;
  const explanation = clipped
    ? `${product} The norm of all the gradients, ${num(s.gradNorm)}, exceeds clip = ${num(p.clip!)}, so clipping scales every gradient by ${num(s.clipScale)}: the step uses g = ${num(g)}, not dloss/dw1. w1_new = w1 − lr × g = ${num(w1)} − ${num(p.lr)} × ${paren(g)} = ${num(next)}.`
    : `w1_new = w1 − lr × dloss/dw1 = ${num(w1)} − ${num(p.lr)} × ${paren(g)} = ${num(next)}. ${product}`;
  return {
    kind: 'run-update',
    topic: 'run',
    question: `Run ${about}: w1 starts at ${num(w1)}. What is w1 after the first gradient-descent step?`,
    ...c,
    explanation,
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
  const negatives = fs.filter((f) => num(f.value) === num(signedMin.value));
  const sign =
    signedMin !== min && signedMin.value < 0 && negatives.length === 1
      ? ` ${signedMin.label} is the most negative, but size is what shrinks a product.`
      : '';
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
  const never = `No: every number stays finite for ${stepsText(steps)}`;
  const at = (k: number) => `Yes, it overflows at step ${k}`;
  const candidates = [1, 0, 2, t === null ? 3 : t + 1, t === null ? steps : t - 1, Math.ceil(steps / 2), steps].filter((k) => k >= 0 && k <= steps && k !== t);
  const right = t === null ? never : at(t);
  const distractors = [...(t === null ? [] : [never]), ...[...new Set(candidates)].map(at)];
  const c = arrange(rng, right, distractors);
  if (!c) return null;
  return {
    kind: 'run-diverge',
    topic: 'run',
    question: `Run ${about}: will training diverge (a weight or the loss overflows to ∞/NaN), and when?`,
    ...c,
    explanation: runStory(run, verdict.gain),
  };
}

/** What the run did after step 0: one of four outcomes, exclusive by construction, read off the trajectory. */
type Outcome =
  | { kind: 'overflow'; step: number }
  | { kind: 'frozen'; step: number; zero: boolean; loss: number; flat: number[] }
  | { kind: 'learning' | 'stuck'; first: number; last: number };

function outcomeOf(run: RunResult): Outcome {
  if (run.diverged_at !== null) return { kind: 'overflow', step: run.diverged_at };
  const loss = run.trajectory.loss;
  const f = frozenFrom(run);
  if (f !== null) return { kind: 'frozen', step: f, zero: gradientIsZero(run, f), loss: loss[f]!, flat: saturatedLayers(run, f) };
  const first = loss[0]!;
  const last = loss[loss.length - 1]!;
  return { kind: last < first / 2 ? 'learning' : 'stuck', first, last };
}

/** The right choice for the run's outcome, with its own numbers, short enough for a button (parts are dropped, never cut). */
function outcomeText(o: Outcome, act: RunResult['params']['act']): string {
  switch (o.kind) {
    case 'overflow':
      return `A number overflows past the largest double, at step ${o.step}`;
    case 'frozen': {
      const why = o.zero ? 'gradient exactly 0' : 'steps below double precision';
      const flat = o.flat.length ? `${o.flat.length === 1 ? 'a neuron' : `${o.flat.length} neurons`} ${act === 'relu' ? 'dead' : 'saturated'}` : '';
      const forms = [
        [`Frozen from step ${o.step}: ${why}`, flat, `loss stays ${num(o.loss)}`],
        [`Frozen from step ${o.step}: ${why}`, `loss stays ${num(o.loss)}`],
        [`Frozen from step ${o.step}: ${why}`, flat],
        [`Frozen from step ${o.step}: ${why}`],
      ].map((parts) => parts.filter(Boolean).join(', '));
      return forms.find((f) => f.length <= MAX_CHOICE_CHARS) ?? `Frozen from step ${o.step}`;
    }
    case 'learning':
    case 'stuck': {
      const full = `Still moving; the loss ${o.kind === 'learning' ? 'falls' : 'only goes'} from ${num(o.first)} to ${num(o.last)}`;
      return full.length <= MAX_CHOICE_CHARS ? full : o.kind === 'learning' ? 'Still moving; the loss falls below half' : 'Still moving, but the loss stays above half';
    }
  }
}

/**
 * The wrong outcomes, said without numbers (they did not happen, so they have
 * none), each literally false for every other outcome: the lecture run's loss
 * does fall to 0, so "the loss falls" alone would be true of a frozen run.
 */
const OTHER_OUTCOMES: Record<Outcome['kind'], string> = {
  overflow: 'A weight or the loss overflows past the largest double',
  frozen: 'It freezes: after some step no weight or bias moves again',
  learning: 'The weights keep moving to the end and the loss falls below half',
  stuck: 'The weights keep moving to the end, but the loss stays above half',
};

function afterQuestion({ run, verdict, rng, about }: Ctx): Question | null {
  // "After step 0" needs a step after it.
  if (run.trajectory.w.length < 2) return null;
  const o = outcomeOf(run);
  const right = outcomeText(o, run.params.act);
  const others = (Object.keys(OTHER_OUTCOMES) as Outcome['kind'][]).filter((k) => k !== o.kind).map((k) => OTHER_OUTCOMES[k]);
  const c = arrange(rng, right, others);
  if (!c) return null;
  const story = runStory(run, verdict.gain);
  // The story names an exploding gain itself; any other gain is said here, so the start is always part of the answer.
  const opening = run.params.depth > 1 && !story.includes("The chain's gain at step 0") ? ` At step 0 the chain's gain is ${gainText(verdict.gain)}.` : '';
  return {
    kind: 'run-after',
    topic: 'run',
    question: `Run ${about}: what does training do after step 0?`,
    ...c,
    explanation: `${story}${opening}`,
  };
}

/** What "fixed" means for the run's own symptom, and how to say the outcome of a change. */
interface Criterion {
  name: string;
  fixed(r: RunResult, v: Verdict): boolean;
  outcome(r: RunResult, v: Verdict): string;
}

const lastStep = (r: RunResult) => r.trajectory.loss.length - 1;
/** Layers saturated (or dead) at step 0 or at the run's last step. */
const flatAnywhere = (r: RunResult) => [...new Set([...saturatedLayers(r, 0), ...saturatedLayers(r, lastStep(r))])].sort((a, b) => a - b);

function criterionFor(v: Verdict): Criterion | null {
  const inRange: Criterion = {
    name: 'keeps every number finite and the weights within 10× of their start',
    fixed: (r, rv) => r.diverged_at === null && rv.growth < 10,
    outcome: (r, rv) => (r.diverged_at !== null ? `overflows at step ${r.diverged_at}` : `largest weight ×${num(rv.growth)}, final loss ${num(r.trajectory.loss.at(-1)!)}`),
  };
  const gain = (label: string, ok: (g: number) => boolean): Criterion => ({
    name: label,
    fixed: (r, rv) => r.diverged_at === null && ok(rv.gain),
    outcome: (r, rv) => (r.diverged_at !== null ? `overflows at step ${r.diverged_at}` : `gain ${num(rv.gain)}`),
  });
  switch (v.kind) {
    case 'healthy':
      return null;
    case 'diverged':
      return inRange;
    case 'exploding':
      return v.growth >= 10 ? inRange : gain('brings the step-0 gain below 10', (g) => g < 10);
    case 'saturated':
      return {
        name: 'leaves no neuron saturated or dead, at step 0 or at the end',
        fixed: (r) => r.diverged_at === null && flatAnywhere(r).length === 0,
        outcome: (r) => {
          if (r.diverged_at !== null) return `overflows at step ${r.diverged_at}`;
          const flat = flatAnywhere(r);
          return flat.length === 0 ? 'no flat neuron' : `${layersText(flat)} ${r.params.act === 'relu' ? 'dead' : 'saturated'}`;
        },
      };
    case 'vanishing':
      return gain('brings the step-0 gain above 0.1', (g) => g > 0.1);
  }
}

type RemedyKind = 'lr' | 'init' | 'clip';

interface Change {
  label: string;
  spec: RunSpec;
  /** One of the three remedies (a smaller lr, a unit-gain initialisation, clipping), or null for a change that is no remedy. */
  remedy: RemedyKind | null;
}

function changesFor(spec: RunSpec): Change[] {
  const peak = activation[spec.act].peak;
  const unit = 1 / peak;
  // Six digits, so a label reads lr=0.3 (not 0.30000000000000004) and w=16.5918; the changed run uses exactly the label's value.
  const clean = (v: number) => Number(v.toPrecision(6));
  const clip = spec.clip === null ? 1 : clean(spec.clip / 10);
  const lrSmall = clean(spec.lr / 100);
  const lrBig = clean(spec.lr * 10);
  const longer = Math.min(1000, spec.steps * 4);
  const deeper = Math.min(50, spec.depth + 2);
  const doubled = Object.fromEntries(Object.entries(spec.wLayers).map(([k, v]) => [k, v * 2]));
  // The unit-gain start changes only the weights; a run that already has them is offered no such "change".
  const alreadyUnit = resolveParams(spec).w.every((w) => w === unit);
  const bias = (spec.b ?? defaultBias(spec.act)) === 'centered' ? 'biases re-centred' : 'biases kept';
  return [
    { label: `A smaller learning rate (lr=${lrSmall})`, spec: { ...spec, lr: lrSmall }, remedy: 'lr' },
    ...(alreadyUnit ? [] : [{ label: `Unit-gain weights: w=${num(unit)} in every layer (${bias})`, spec: unitGainStart(spec), remedy: 'init' as const }]),
    { label: `Clip the gradient norm (clip=${clip})`, spec: { ...spec, clip }, remedy: 'clip' },
    { label: `A larger learning rate (lr=${lrBig})`, spec: { ...spec, lr: lrBig }, remedy: null },
    ...(spec.steps < 1000 ? [{ label: `Train longer (steps=${longer})`, spec: { ...spec, steps: longer }, remedy: null }] : []),
    ...(spec.depth < 50 ? [{ label: `Add layers (depth=${deeper})`, spec: { ...spec, depth: deeper }, remedy: null }] : []),
    ...(spec.w !== 0 ? [{ label: `Double every weight (w=${clean(spec.w * 2)})`, spec: { ...spec, w: clean(spec.w * 2), wLayers: doubled }, remedy: null }] : []),
  ];
}

const lowerFirst = (s: string) => s.replace(/^(.)/, (m) => m.toLowerCase());

function fixQuestion({ spec, verdict, rng, about }: Ctx): Question | null {
  const crit = criterionFor(verdict);
  if (!crit) return null;
  const tried = changesFor(spec).map((c) => {
    const r = simulate(c.spec);
    const v = verdictOf(r);
    return { ...c, works: crit.fixed(r, v), outcome: crit.outcome(r, v), gain: v.gain };
  });
  const working = tried.filter((c) => c.remedy !== null && c.works);
  const failing = tried.filter((c) => !c.works);
  if (working.length === 0 || failing.length < 2) return null;
  // Another remedy that also works must not sit among the wrong choices: only failing changes are offered.
  const right = rng.pick(working);
  const c = arrange(rng, right.label, rng.shuffle(failing).map((f) => f.label));
  if (!c) return null;
  const shownFailing = failing.filter((f) => c.choices.includes(f.label)).map((f) => `${lowerFirst(f.label)}: ${f.outcome}`);
  // Clipping caps each step at lr x clip; the chain it leaves alone still has its gain.
  const capped = right.remedy === 'clip' ? `Clipping caps each step's length at lr × clip = ${num(right.spec.lr * right.spec.clip!)}` : '';
  const clipNote = !capped
    ? ''
    : right.gain >= EXPLODING_GAIN
      ? ` ${capped}; it does not touch the cause: the chain's step-0 gain is still ${gainText(right.gain)}.`
      : ` ${capped}; the chain's step-0 gain stays ${gainText(right.gain)}.`;
  return {
    kind: 'run-fix',
    topic: 'run',
    question: `Run ${about} is ${verdict.kind}. Which one change ${crit.name}?`,
    ...c,
    explanation: `Re-running each change in the engine: ${lowerFirst(right.label)} → ${right.outcome}.${clipNote} The others fail: ${shownFailing.join('; ')}.`,
  };
}

const builders: Record<RunKind, (ctx: Ctx) => Question | null> = {
  'run-bound': boundQuestion,
  'run-update': updateQuestion,
  'run-smallest': smallestQuestion,
  'run-diverge': divergeQuestion,
  'run-fix': fixQuestion,
  'run-after': afterQuestion,
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
