import { LECTURE_EXAMPLE, type WorkedExample } from '../engine/index.ts';
import { fmt } from '../format/number.ts';
import { cardPng, headerBlock, noteBlock, sectionBlock } from './card.ts';
import { altNum } from './labels.ts';
import { texBlock } from './tex-blocks.ts';
import { texNum, texNumP } from './tex.ts';
import { VERDICT_COLOUR } from './theme.ts';

/** The lecture's own reading of the update: how big the step is next to the weight it changes. */
type Outcome = 'overflow' | 'exploding' | 'tiny' | 'sane';

interface Reading {
  outcome: Outcome;
  step: number;
  /** |step| / |w|, or null when w = 0. */
  ratio: number | null;
}

function readingOf(ex: WorkedExample): Reading {
  const step = ex.lr * ex.product;
  const ratio = ex.w === 0 ? null : Math.abs(step) / Math.abs(ex.w);
  if (!Number.isFinite(ex.w_new) || !Number.isFinite(step)) return { outcome: 'overflow', step, ratio };
  if (ratio !== null && ratio >= 10) return { outcome: 'exploding', step, ratio };
  if (ratio !== null && ratio < 1e-3) return { outcome: 'tiny', step, ratio };
  return { outcome: 'sane', step, ratio };
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

function conclusion(ex: WorkedExample, r: Reading): string {
  const moved = `One step moves w from ${fmt(ex.w)} to ${fmt(ex.w_new)}`;
  switch (r.outcome) {
    case 'overflow':
      return `The numbers leave the range of a double (about 1.8 × 10³⁰⁸): the update is ${fmt(r.step)} and w becomes ${fmt(ex.w_new)}. Training cannot go on from here.`;
    case 'exploding':
      return `${moved}: the update ${fmt(Math.abs(r.step))} is ${fmt(r.ratio ?? NaN)} times the weight itself. With a weight this far out the loss only grows: this is the exploding gradient problem, and why initialisation matters.`;
    case 'tiny':
      return `${moved}: the update ${fmt(Math.abs(r.step))} is only ${fmt(r.ratio ?? NaN)} of the weight. A gradient this small barely moves w: the vanishing side of the same product.`;
    case 'sane':
      return `${moved}: an update of ${fmt(Math.abs(r.step))}${r.ratio !== null ? `, ${fmt(r.ratio * 100)}% of the weight` : ''}. A step of a sane size: this chain neither explodes nor vanishes.`;
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
    ],
    pill.colour,
  );
}

/** One sentence for screen readers. */
export function exampleAlt(ex: WorkedExample): string {
  const r = readingOf(ex);
  const who = isLecture(ex) ? "with the lecture's numbers" : 'with the given numbers';
  const what = { overflow: 'an update that overflows', exploding: 'an exploding update', tiny: 'a vanishingly small update', sane: 'a stable update' }[r.outcome];
  return `Worked example ${who}: dLoss/dw = ${ex.factors.map((f) => (f < 0 ? `(${altNum(f)})` : altNum(f))).join(' × ')} = ${altNum(ex.product)}, so w_new = ${altNum(ex.w)} − ${altNum(ex.lr)} × ${ex.product < 0 ? `(${altNum(ex.product)})` : altNum(ex.product)} = ${altNum(ex.w_new)}, ${what}.`;
}

