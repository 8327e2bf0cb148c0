import type { Canvas, CanvasRenderingContext2D } from 'canvas';
import { activation, baselineStatus, isSaturated, verdictOf, type Factor, type RunResult } from '../engine/index.ts';
import { signalBlock, signalCaption } from './signal.ts';
import { fmt } from '../format/number.ts';
import { verdictLine } from '../format/verdict.ts';
import { calloutsOf, type CalloutKind } from './callouts.ts';
import { captionBlock, cardPng, composeCard, headerBlock, measureCtx, noteBlock, roundRect, sectionBlock, type Block } from './card.ts';
import { altNum, compactNum, paramsLine, primeSymbol, prettyLabel, sub } from './labels.ts';
import { texBlock, type TexLine } from './tex-blocks.ts';
import { drawTex, texFactor, texImage, texNum, texNumP } from './tex.ts';
import { drawText, ellipsize, type TextStyle } from './text.ts';
import { CARD, CONTENT_WIDTH, THEME, verdictColour } from './theme.ts';


const CALLOUT_COLOUR: Record<CalloutKind, string> = {
  overflow: THEME.bad,
  clipped: THEME.accent,
  dead: THEME.bad,
  saturated: THEME.warn,
  zero: THEME.warn,
};

function paren(v: number): string {
  return v < 0 ? `(${fmt(v)})` : fmt(v);
}

/** The stated rule (story.isSaturated) on the factor's own layer at step 0. */
function isFlat(run: RunResult, f: Factor): boolean {
  return f.kind !== 'loss' && isSaturated(run.params.act, run.step0.z[f.layer - 1]!);
}

// ---------------------------------------------------------------- the chain diagram

interface ChainItem {
  tex: string | null; // null: the "⋯" of a shortened chain
  value?: string;
  colour?: string;
  valueColour?: string;
}

function chainItems(run: RunResult): ChainItem[] {
  const p = run.params;
  const s = run.step0;
  const flat = new Set(s.factors.filter((f) => isFlat(run, f)).map((f) => f.layer));
  const L = p.depth;
  const out = (k: number): ChainItem => {
    const o = s.o[k - 1]!;
    const bad = !Number.isFinite(o);
    return {
      tex: k === L ? `o_{${k}}\\;(\\hat y)` : `o_{${k}}`,
      value: compactNum(o),
      colour: flat.has(k) ? THEME.warn : undefined,
      valueColour: bad ? THEME.bad : flat.has(k) ? THEME.warn : undefined,
    };
  };
  const layers = L <= 5 ? Array.from({ length: L }, (_, i) => i + 1) : [1, 2, 0, L - 1, L];
  return [
    { tex: 'x', value: compactNum(p.x) },
    { tex: 'w_1', value: compactNum(p.w[0]!), colour: THEME.accent },
    ...layers.map((k) => (k === 0 ? { tex: null } : out(k))),
    { tex: '\\mathrm{loss}', value: compactNum(s.loss), valueColour: Number.isFinite(s.loss) ? undefined : THEME.bad },
  ];
}

function arrow(ctx: CanvasRenderingContext2D, x1: number, x2: number, y: number): void {
  ctx.strokeStyle = THEME.faint;
  ctx.fillStyle = THEME.faint;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(x1, y);
  ctx.lineTo(x2 - 10, y);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x2, y);
  ctx.lineTo(x2 - 13, y - 8);
  ctx.lineTo(x2 - 13, y + 8);
  ctx.closePath();
  ctx.fill();
}

function chainBlock(run: RunResult): Block {
  const items = chainItems(run);
  const m = measureCtx();
  const gap = 40;
  const dotsW = 40;
  const nBoxes = items.filter((i) => i.tex !== null).length;
  const nDots = items.length - nBoxes;
  const boxW = Math.min(178, (CONTENT_WIDTH - gap * (items.length - 1) - dotsW * nDots) / nBoxes);
  const boxH = 72;
  const valueStyle: TextStyle = { size: CARD.small, colour: THEME.muted };
  const showValues = boxW >= 110;
  const total = boxW * nBoxes + dotsW * nDots + gap * (items.length - 1);
  const labels = items.map((it) => (it.tex === null ? null : texImage(it.tex, 34, THEME.text)));
  return {
    height: boxH + (showValues ? 44 : 0),
    draw(ctx, top) {
      let x = CARD.pad + (CONTENT_WIDTH - total) / 2;
      const cy = top + boxH / 2;
      items.forEach((it, i) => {
        const w = it.tex === null ? dotsW : boxW;
        if (i > 0) arrow(ctx, x - gap + 6, x - 6, cy);
        const label = labels[i];
        if (!label) {
          drawText(ctx, '⋯', x + w / 2, cy + 12, { size: 36, colour: THEME.muted }, 'center');
        } else {
          roundRect(ctx, x, top, w, boxH, 14);
          ctx.fillStyle = THEME.panel;
          ctx.fill();
          ctx.strokeStyle = it.colour ?? THEME.border;
          ctx.lineWidth = it.colour ? 4 : 2;
          ctx.stroke();
          const lw = Math.min(label.width, w - 16);
          drawTex(ctx, label, x + (w - lw) / 2, cy - label.height / 2, w - 16);
          if (showValues && it.value !== undefined) {
            const text = ellipsize(m, it.value, w + gap - 10, valueStyle);
            drawText(ctx, text, x + w / 2, top + boxH + 34, { ...valueStyle, colour: it.valueColour ?? THEME.muted }, 'center');
          }
        }
        x += w + gap;
      });
    },
  };
}

// ---------------------------------------------------------------- the equation

function chainTex(lhs: string, terms: readonly string[], tail: string): string[] {
  const full = `${lhs} = ${terms.join(' \\times ')}${tail}`;
  const variants = [full];
  for (const [a, b] of [[3, 2], [2, 2], [2, 1], [1, 1]] as const) {
    if (terms.length > a + b + 1) variants.push(`${lhs} = ${[...terms.slice(0, a), '\\cdots', ...terms.slice(-b)].join(' \\times ')}${tail}`);
  }
  return variants;
}

const LHS = '\\frac{d\\,\\mathrm{loss}}{dw_1}';

// ---------------------------------------------------------------- the factor table

interface Row {
  factor: Factor | null; // null: the "⋮ n more links" row
  hidden?: Factor[];
}

function tableRows(factors: readonly Factor[]): Row[] {
  const links = factors.filter((f) => f.kind === 'link');
  if (links.length <= 7) return factors.map((f) => ({ factor: f }));
  const loss = factors[0]!;
  const input = factors[factors.length - 1]!;
  return [
    { factor: loss },
    ...links.slice(0, 3).map((f) => ({ factor: f })),
    { factor: null, hidden: links.slice(3, -2) },
    ...links.slice(-2).map((f) => ({ factor: f })),
    { factor: input },
  ];
}

const COL_BOUND = 230;
const COL_REAL = 580;

function rowText(run: RunResult, f: Factor): { bound: string; boundNote: string; value: string; valueNote: string; colour: string } {
  const p = run.params;
  const s = primeSymbol(p.act);
  const peak = fmt(activation[p.act].peak);
  const colour = !Number.isFinite(f.value) ? THEME.bad : isFlat(run, f) ? THEME.warn : THEME.text;
  const value = fmt(f.value);
  if (f.kind === 'loss') {
    return { bound: 'no bound', boundNote: 'the loss sets it', value, valueNote: `2(ŷ − y) = 2(${fmt(run.step0.yhat)} − ${paren(p.y)})`, colour };
  }
  const bound = `≤ ${fmt(f.bound ?? NaN)}`;
  if (f.kind === 'link') {
    const k = f.layer;
    return { bound, boundNote: `${peak} · |w${sub(k)}|`, value, valueNote: `${s}(z${sub(k)}) · w${sub(k)} = ${fmt(f.dphi ?? NaN)} × ${paren(p.w[k - 1]!)}`, colour };
  }
  return { bound, boundNote: `${peak} · |x|`, value, valueNote: `${s}(z₁) · x = ${fmt(f.dphi ?? NaN)} × ${paren(p.x)}`, colour };
}

function tableBlock(run: RunResult): Block {
  const m = measureCtx();
  const rows = tableRows(run.step0.factors);
  const head = 44;
  const rowH = 112;
  const gapH = 70;
  const heights = rows.map((r) => (r.factor ? rowH : gapH));
  const height = head + heights.reduce((a, b) => a + b, 0);
  const headStyle: TextStyle = { size: CARD.small, colour: THEME.faint, weight: 'bold' };
  const main: TextStyle = { size: CARD.body, colour: THEME.text };
  const note: TextStyle = { size: CARD.small, colour: THEME.muted };
  return {
    height,
    draw(ctx, top) {
      const x0 = CARD.pad;
      drawText(ctx, 'factor', x0 + 8, top + 28, headStyle);
      drawText(ctx, "lecture's bound", x0 + COL_BOUND, top + 28, headStyle);
      drawText(ctx, 'this run, step 0', x0 + COL_REAL, top + 28, headStyle);
      let y = top + head;
      rows.forEach((r, i) => {
        const h = heights[i]!;
        ctx.fillStyle = THEME.grid;
        ctx.fillRect(x0, y, CONTENT_WIDTH, 2);
        if (r.factor) {
          const t = rowText(run, r.factor);
          const frac = texImage(texFactor(r.factor.label), 36, THEME.text);
          drawTex(ctx, frac, x0 + 8, y + (h - frac.height) / 2);
          const boundStyle = r.factor.bound === null ? { ...main, colour: THEME.faint } : main;
          drawText(ctx, ellipsize(m, t.bound, COL_REAL - COL_BOUND - 20, boundStyle), x0 + COL_BOUND, y + 46, boundStyle);
          drawText(ctx, ellipsize(m, t.boundNote, COL_REAL - COL_BOUND - 20, note), x0 + COL_BOUND, y + 90, note);
          const valueStyle: TextStyle = { ...main, weight: 'bold', colour: t.colour };
          drawText(ctx, ellipsize(m, t.value, CONTENT_WIDTH - COL_REAL, valueStyle), x0 + COL_REAL, y + 46, valueStyle);
          drawText(ctx, ellipsize(m, t.valueNote, CONTENT_WIDTH - COL_REAL, note), x0 + COL_REAL, y + 90, note);
        } else {
          const hidden = r.hidden ?? [];
          const first = hidden[0]!;
          const last = hidden[hidden.length - 1]!;
          const values = hidden.map((f) => f.value).filter(Number.isFinite);
          const lo = Math.min(...values);
          const hi = Math.max(...values);
          const range = values.length === 0 ? '' : lo === hi ? `, each ${fmt(lo)}` : `, real values ${fmt(lo)} to ${fmt(hi)}`;
          const text = `⋮  ${hidden.length} more links, ${prettyLabel(first.label)} … ${prettyLabel(last.label)}${range}`;
          drawText(ctx, ellipsize(m, text, CONTENT_WIDTH - 16, note), x0 + 8, y + h / 2 + 10, note);
        }
        y += h;
      });
      ctx.fillStyle = THEME.grid;
      ctx.fillRect(x0, y - 2, CONTENT_WIDTH, 2);
    },
  };
}

// ---------------------------------------------------------------- product and update

function resultLines(run: RunResult): TexLine[] {
  const p = run.params;
  const s = run.step0;
  const values = s.factors.map((f) => texNumP(f.value));
  const lines: TexLine[] = [
    { variants: [...chainTex(LHS, values, ` = ${texNum(s.grad_w1)}`), `${LHS} = ${texNum(s.grad_w1)}`], size: 36, minSize: 26 },
  ];
  const clipped = p.clip !== null && s.clipScale < 1;
  const g = clipped ? s.clipped.w[0]! : s.grad_w1;
  if (clipped) {
    lines.push({
      variants: [`g = ${texNum(s.grad_w1)} \\times \\underbrace{${texNum(s.clipScale)}}_{\\text{clip scale}} = ${texNum(g)}`, `g = ${texNum(g)}\\ \\text{(clipped)}`],
      size: 36,
      minSize: 26,
    });
  }
  const gName = clipped ? 'g' : LHS;
  const w1new = run.trajectory.w[1]?.[0];
  const lhs = 'w_1^{\\text{new}}';
  if (w1new === undefined) {
    lines.push({ variants: [`${lhs}:\\ \\text{none, training stopped at step ${run.diverged_at ?? 0}}`], size: 36, minSize: 26 });
  } else {
    const colour = Number.isFinite(w1new) ? THEME.text : THEME.bad;
    lines.push({
      variants: [
        `${lhs} = w_1 - \\text{lr} \\times ${gName} = ${texNum(p.w[0]!)} - ${texNum(p.lr)} \\times ${texNumP(g)} = ${texNum(w1new)}`,
        `${lhs} = ${texNum(p.w[0]!)} - ${texNum(p.lr)} \\times ${texNumP(g)} = ${texNum(w1new)}`,
      ],
      size: 36,
      minSize: 26,
      colour,
    });
  }
  return lines;
}

// ---------------------------------------------------------------- the card

function breakdownCard(run: RunResult, baseline: RunResult | null): { blocks: Block[]; colour: string } {
  const v = verdictOf(run);
  const colour = verdictColour(v);
  const base = baseline && baselineStatus(run, baseline) !== 'same' ? baseline : null;
  const signal = signalBlock(run, base, colour);
  const labels = run.step0.factors.map((f) => texFactor(f.label));
  const blocks: Block[] = [
    headerBlock('Chain-rule breakdown', paramsLine(run.params), { text: v.badge, colour }),
    noteBlock({ body: verdictLine(run, v), colour }),
    sectionBlock('The chain, forward at step 0'),
    chainBlock(run),
    sectionBlock('The chain rule for w₁, as in the lecture'),
    texBlock([{ variants: chainTex(LHS, labels, ''), size: 40, minSize: 28 }]),
    sectionBlock("Each factor: the lecture's bound next to its real value"),
    tableBlock(run),
    ...(signal ? [sectionBlock('The backward signal at step 0, layer by layer'), signal, captionBlock(signalCaption(run, base))] : []),
    sectionBlock('Their product, and the update'),
    texBlock(resultLines(run), { panel: true, lineGap: 26 }),
    ...calloutsOf(run).map((c) => noteBlock({ title: c.title, body: c.body, colour: CALLOUT_COLOUR[c.kind], size: CARD.small + 2 })),
  ];
  return { blocks, colour };
}

export function breakdownCanvas(run: RunResult, baseline: RunResult | null = null): Canvas {
  const { blocks, colour } = breakdownCard(run, baseline);
  return composeCard(blocks, colour);
}

/** breakdown.png: the lecture's chain-rule picture, filled with this run's numbers. */
export function renderBreakdownPng(run: RunResult, baseline: RunResult | null = null): Buffer {
  const { blocks, colour } = breakdownCard(run, baseline);
  return cardPng(blocks, colour);
}

/** One sentence for screen readers. */
export function breakdownAlt(run: RunResult): string {
  const p = run.params;
  const v = verdictOf(run);
  const w = p.w.every((x) => x === p.w[0]) ? `w=${altNum(p.w[0]!)}` : `w1=${altNum(p.w[0]!)}`;
  const callouts = calloutsOf(run).map((c) => (c.title.startsWith('NaN') ? c.title : c.title[0]!.toLowerCase() + c.title.slice(1)));
  const extra = callouts.length > 0 ? `; ${callouts.join('; ')}` : '';
  return `Chain-rule breakdown for ${w}, lr=${altNum(p.lr)}, ${p.act}, depth ${p.depth}: dloss/dw1 = ${altNum(run.step0.grad_w1)}, ${v.badge.toLowerCase().replace(' → ', ', then ')}${extra}.`;
}
