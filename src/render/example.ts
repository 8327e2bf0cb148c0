import { activation, classifyGain, EXPLODING_GAIN, isSaturated, LECTURE_EXAMPLE, lectureSpec, simulate, VANISHING_GAIN, type WorkedExample } from '../engine/index.ts';
import { SATURATED_SHARE_TEXT } from '../format/verdict.ts';
import { fmt } from '../format/number.ts';
import { cardPng, headerBlock, noteBlock, sectionBlock } from './card.ts';
import { altNum } from './labels.ts';
import { texBlock } from './tex-blocks.ts';
import { texNum, texNumP } from './tex.ts';
import { CARD, VERDICT_COLOUR } from './theme.ts';

/**
 * The card's badge: the one rule gradbot uses everywhere (story.ts), applied to
 * the product of the chain-rule factors: >= 10 explodes, <= 0.1 vanishes; a
 * product or update past the doubles overflows.
 */
type Outcome = 'overflow' | 'exploding' | 'tiny' | 'sane';

interface Reading {
  outcome: Outcome;
  step: number;
  /** |step| / |w|, or null when w = 0. */
  ratio: number | null;
}

export function readingOf(ex: WorkedExample): Reading {
  const step = ex.lr * ex.product;
  const ratio = ex.w === 0 ? null : Math.abs(step) / Math.abs(ex.w);
  if (!Number.isFinite(ex.w_new) || !Number.isFinite(step) || !Number.isFinite(ex.product)) return { outcome: 'overflow', step, ratio };
  const cls = classifyGain(ex.product);
  return { outcome: cls === 'exploding' ? 'exploding' : cls === 'vanishing' ? 'tiny' : 'sane', step, ratio };
}

const PILL: Record<Outcome, { text: string; colour: string }> = {
  overflow: { text: 'OVERFLOW', colour: VERDICT_COLOUR.diverged },
  exploding: { text: 'EXPLODING', colour: VERDICT_COLOUR.exploding },
  tiny: { text: 'VANISHING', colour: VERDICT_COLOUR.vanishing },
  sane: { text: 'STABLE', colour: VERDICT_COLOUR.healthy },
};

function isLecture(ex: WorkedExample): boolean {
  const l = LECTURE_EXAMPLE;
  return ex.w === l.w && ex.lr === l.lr && ex.factors.length === l.factors.length && ex.factors.every((f, i) => f === l.factors[i]);
}

/** The lecture's labels: O_{31} is layer 3's output, w_{11} the first weight. */
function outName(k: number): string {
  return k >= 10 ? `O_{${k},1}` : `O_{${k}1}`;
}

function factorTexes(n: number): string[] {
  const depth = n - 1;
  if (depth === 0) return ['\\frac{d\\,\\mathrm{Loss}}{dw_{11}}'];
  const out = [`\\frac{d\\,\\mathrm{Loss}}{d${outName(depth)}}`];
  for (let k = depth; k >= 2; k--) out.push(`\\frac{d${outName(k)}}{d${outName(k - 1)}}`);
  out.push(`\\frac{d${outName(1)}}{dw_{11}}`);
  return out;
}

function shortened(terms: readonly string[]): string[][] {
  const out = [terms.slice()];
  for (const [a, b] of [[3, 2], [2, 2], [2, 1], [1, 1]] as const) {
    if (terms.length > a + b + 1) out.push([...terms.slice(0, a), '\\cdots', ...terms.slice(-b)]);
  }
  return out;
}

/** A factor that is 0.25·w is the lecture's bound σ′ ≤ 0.25 times the weight: say so under it. */
function factorNumber(f: number, w: number): string {
  const t = texNumP(f);
  return w !== 0 && f === 0.25 * w ? `\\underbrace{${t}}_{0.25\\times ${texNum(w)}}` : t;
}

function gradientTex(ex: WorkedExample): string[] {
  const lhs = '\\frac{d\\,\\mathrm{Loss}}{dw_{11}}';
  const fracs = shortened(factorTexes(ex.factors.length));
  const nums = shortened(ex.factors.map((f) => factorNumber(f, ex.w)));
  const variants: string[] = [];
  for (let i = 0; i < Math.max(fracs.length, nums.length); i++) {
    const fr = fracs[Math.min(i, fracs.length - 1)]!;
    const nu = nums[Math.min(i, nums.length - 1)]!;
    const first = ex.factors.length > 1 ? `${lhs} &= ${fr.join(' \\times ')} \\\\ &= ${nu.join(' \\times ')}` : `${lhs} &= ${nu.join(' \\times ')}`;
    variants.push(`\\begin{aligned} ${first} \\\\ &= ${texNum(ex.product)} \\end{aligned}`);
  }
  return variants;
}

function updateTex(ex: WorkedExample, r: Reading, colour: string): string[] {
  const lhs = 'w_{11}^{\\text{new}}';
  const result = `\\color{${colour}}{${texNum(ex.w_new)}}`;
  const lines = [
    `${lhs} &= w_{11} - \\text{lr} \\times \\frac{d\\,\\mathrm{Loss}}{dw_{11}}`,
    `&= ${texNum(ex.w)} - \\left(${texNum(ex.lr)} \\times ${texNumP(ex.product)}\\right)`,
    `&= ${texNum(ex.w)} - ${texNumP(r.step)}`,
    `&= ${result}`,
  ];
  return [`\\begin{aligned} ${lines.join(' \\\\ ')} \\end{aligned}`, `\\begin{aligned} ${[lines[0], lines[1], lines[3]].join(' \\\\ ')} \\end{aligned}`];
}

const RULE = `gradbot's one rule: a chain product ≥ ${EXPLODING_GAIN} explodes, ≤ ${VANISHING_GAIN} vanishes`;

/**
 * What the new weight does next in a sigmoid neuron, with x = 1 and b11 = 0
 * (stated, so the sentence is exact): z11 = w_new, and sigma'(w_new) says
 * whether w11 can still move.
 */
function nextStep(ex: WorkedExample): string {
  const z = ex.w_new;
  const d = activation.sigmoid.dphi(z);
  const o = activation.sigmoid.phi(z);
  const at = `With x = 1 and b11 = 0, z11 = ${fmt(z)}`;
  if (d === 0) {
    return `${at}: o11 = σ(z11) = ${fmt(o)} and σ′(z11) is exactly 0 in double precision, so dLoss/dw11 = 0 from now on and w11 never moves again: a dead neuron. The loss does not grow without bound (a sigmoid output stays between 0 and 1); what is lost is w11.`;
  }
  if (isSaturated('sigmoid', z)) {
    return `${at}: σ′(z11) = ${fmt(d)}, below ${SATURATED_SHARE_TEXT} of its peak 0.25, so every later gradient through o11 is multiplied by that: the neuron is saturated and w11 all but stops.`;
  }
  return `${at}: σ′(z11) = ${fmt(d)}, so o11 still passes a gradient back.`;
}

/** The card's invented factors against the engine's real network: the same w there gives a far smaller gradient. */
export function realRun(ex: WorkedExample): string {
  const depth = Math.min(50, Math.max(1, ex.factors.length - 1));
  if (!Number.isFinite(ex.w)) return '';
  const run = simulate(lectureSpec({ w: ex.w, depth, lr: ex.lr }));
  const g = run.step0.grad_w1;
  if (!Number.isFinite(g)) return '';
  const out = depth >= 10 ? `O${depth},1` : `O${depth}1`;
  return `These factors are invented. In the lecture's own network (sigmoid, x = y = 1, centred) |dLoss/d${out}| = 2|ŷ − y| < 2 and dO11/dw11 = σ′·x ≤ 0.25|x|, so /explode w=${fmt(ex.w, 'ascii')}${depth === 3 ? '' : ` depth=${depth}`} gives dLoss/dw11 = ${fmt(g)}, not ${fmt(ex.product)}.`;
}

export function conclusion(ex: WorkedExample, r: Reading = readingOf(ex)): string {
  const moved = `One step moves w from ${fmt(ex.w)} to ${fmt(ex.w_new)}`;
  const size = r.ratio === null ? '' : `, ${fmt(r.ratio)} times the weight itself`;
  switch (r.outcome) {
    case 'overflow':
      return `The numbers leave the range of a double (about 1.8 × 10³⁰⁸): the product is ${fmt(ex.product)}, the update ${fmt(r.step)} and w becomes ${fmt(ex.w_new)}. Training cannot go on from here.`;
    case 'exploding':
      return `${moved}: an update of ${fmt(Math.abs(r.step))}${size}. The product ${fmt(ex.product)} is exploding by ${RULE}. ${nextStep(ex)}`;
    case 'tiny':
      return `${moved}: an update of ${fmt(Math.abs(r.step))}${size}. The product ${fmt(ex.product)} is vanishing by ${RULE}: the vanishing side of the same multiplication.`;
    case 'sane':
      return `${moved}: an update of ${fmt(Math.abs(r.step))}${size}. The product ${fmt(ex.product)} is between ${VANISHING_GAIN} and ${EXPLODING_GAIN}: neither exploding nor vanishing by ${RULE}.`;
  }
}

export function renderExamplePng(ex: WorkedExample): Buffer {
  const r = readingOf(ex);
  const pill = PILL[r.outcome];
  const lecture = isLecture(ex);
  const subtitle = lecture
    ? "The lecture's numbers: four chain-rule factors, w = 500, lr = 0.01"
    : `${ex.factors.length} chain-rule factor${ex.factors.length === 1 ? '' : 's'}  ·  w = ${fmt(ex.w)}  ·  lr = ${fmt(ex.lr)}`;
  return cardPng(
    [
      headerBlock('Worked example: one update', subtitle, pill),
      sectionBlock('1. The chain rule, then the numbers'),
      texBlock([{ variants: gradientTex(ex), size: 40, minSize: 26 }], { panel: true }),
      sectionBlock('2. The update: new w = w − lr × gradient'),
      texBlock([{ variants: updateTex(ex, r, pill.colour), size: 40, minSize: 26 }], { panel: true }),
      noteBlock({ body: conclusion(ex, r), colour: pill.colour }),
      ...(realRun(ex) === '' ? [] : [noteBlock({ title: 'And in a real network?', body: realRun(ex), colour: VERDICT_COLOUR.vanishing, size: CARD.small + 2 })]),
    ],
    pill.colour,
  );
}

/** One sentence for screen readers. */
export function exampleAlt(ex: WorkedExample): string {
  const r = readingOf(ex);
  const who = isLecture(ex) ? "with the lecture's numbers" : 'with the given numbers';
  const what = { overflow: 'numbers past the range of a double', exploding: `a product that explodes (≥ ${EXPLODING_GAIN})`, tiny: `a product that vanishes (≤ ${VANISHING_GAIN})`, sane: `a product between ${VANISHING_GAIN} and ${EXPLODING_GAIN}` }[r.outcome];
  return `Worked example ${who}: dLoss/dw = ${ex.factors.map((f) => (f < 0 ? `(${altNum(f)})` : altNum(f))).join(' × ')} = ${altNum(ex.product)}, so w_new = ${altNum(ex.w)} − ${altNum(ex.lr)} × ${ex.product < 0 ? `(${altNum(ex.product)})` : altNum(ex.product)} = ${altNum(ex.w_new)}, ${what}.`;
}

