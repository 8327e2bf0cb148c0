import type { CanvasRenderingContext2D } from 'canvas';
import type { RunResult } from '../engine/index.ts';
import { fmt } from '../format/number.ts';
import { measureCtx, roundRect, type Block } from './card.ts';
import { sub } from './labels.ts';
import { drawText, ellipsize, type TextStyle } from './text.ts';
import { CARD, CONTENT_WIDTH, THEME } from './theme.ts';

/** At most this many rows; deeper chains show the layers nearest the loss and nearest w1. */
const MAX_ROWS = 8;

/**
 * The backward signal at step 0, per layer, relative to the loss's:
 * |dloss/do_k| / |dloss/do_L| = the product of the links above layer k,
 * read from the step-0 factors (there even when the run overflowed at once).
 * Element k-1 is layer k. The lecture run: [15,625, 125, 1].
 */
export function stepZeroSignal(run: RunResult): number[] {
  const L = run.params.depth;
  const link = new Map(run.step0.factors.filter((f) => f.kind === 'link').map((f) => [f.layer, Math.abs(f.value)]));
  const out = new Array<number>(L);
  let s = 1;
  for (let k = L; k >= 1; k--) {
    out[k - 1] = s;
    s *= link.get(k) ?? 1;
  }
  return out;
}

function rowsShown(L: number): number[] {
  const all = Array.from({ length: L }, (_, i) => L - i);
  if (L <= MAX_ROWS) return all;
  return [...all.slice(0, MAX_ROWS / 2), 0, ...all.slice(-MAX_ROWS / 2)];
}

function times(v: number): string {
  return `×${fmt(v)}`;
}

/**
 * Two bars per layer from a ×1 line: this run's signal (in the verdict's
 * colour) and the unit-gain start's (grey). Growth runs right, shrinking left,
 * on a log scale; 0 and non-finite values are written, not drawn.
 */
export function signalBlock(run: RunResult, baseline: RunResult | null, colour: string): Block | null {
  const L = run.params.depth;
  if (L < 2) return null;
  const mine = stepZeroSignal(run);
  const theirs = baseline ? stepZeroSignal(baseline) : null;
  const rows = rowsShown(L);
  const logs = [...mine, ...(theirs ?? [])].filter((v) => Number.isFinite(v) && v > 0).map(Math.log10);
  const hiDec = Math.max(1, ...logs);
  const loDec = Math.min(-1, ...logs);
  const m = measureCtx();
  const labelW = 70;
  const valueW = 330;
  const barLeft = CARD.pad + labelW;
  const barW = CONTENT_WIDTH - labelW - valueW - 20;
  const unitX = barLeft + barW * (-loDec / (hiDec - loDec));
  const xOf = (v: number) => barLeft + barW * ((Math.log10(v) - loDec) / (hiDec - loDec));
  const rowH = theirs ? 64 : 44;
  const gapRowH = 40;
  const axisH = 40;
  const height = rows.reduce((h, k) => h + (k === 0 ? gapRowH : rowH), 0) + axisH;
  const label: TextStyle = { size: CARD.small, colour: THEME.text };
  const valueStyle: TextStyle = { size: CARD.small, colour: THEME.text, weight: 'bold' };
  const muted: TextStyle = { size: CARD.small - 4, colour: THEME.muted };

  const bar = (ctx: CanvasRenderingContext2D, v: number, y: number, h: number, fill: string) => {
    if (!(v > 0) || !Number.isFinite(v)) return;
    const x = xOf(v);
    const a = Math.min(x, unitX);
    const w = Math.max(3, Math.abs(x - unitX));
    roundRect(ctx, a, y, w, h, 4);
    ctx.fillStyle = fill;
    ctx.fill();
  };

  return {
    height,
    draw(ctx, top) {
      let y = top;
      for (const k of rows) {
        if (k === 0) {
          drawText(ctx, `⋮  layers ${MAX_ROWS / 2 + 1}–${L - MAX_ROWS / 2} not shown`, CARD.pad + 8, y + gapRowH / 2 + 8, muted);
          y += gapRowH;
          continue;
        }
        drawText(ctx, `o${sub(k)}`, CARD.pad + 8, y + 32, label);
        bar(ctx, mine[k - 1]!, y + 10, 22, colour);
        if (theirs) bar(ctx, theirs[k - 1]!, y + 38, 14, THEME.faint);
        const right = CARD.pad + CONTENT_WIDTH;
        drawText(ctx, ellipsize(m, times(mine[k - 1]!), valueW, valueStyle), right, y + 30, { ...valueStyle, colour }, 'right');
        if (theirs) drawText(ctx, ellipsize(m, `unit-gain ${times(theirs[k - 1]!)}`, valueW, muted), right, y + 56, muted, 'right');
        y += k === 0 ? gapRowH : rowH;
      }
      // The ×1 line: no growth, no shrinking.
      ctx.fillStyle = THEME.muted;
      ctx.fillRect(unitX - 1, top, 2, y - top + 6);
      drawText(ctx, '×1', unitX, y + 32, muted, 'center');
      const all = [...mine, ...(theirs ?? [])];
      if (all.some((v) => v > 1)) drawText(ctx, 'grows →', barLeft + barW, y + 32, muted, 'right');
      if (all.some((v) => v > 0 && v < 1)) drawText(ctx, '← shrinks', barLeft, y + 32, muted, 'left');
    },
  };
}

/** One line under the panel: what the bars are. */
export function signalCaption(run: RunResult, baseline: RunResult | null): string {
  const mine = stepZeroSignal(run);
  const first = mine[0]!;
  const theirs = baseline ? stepZeroSignal(baseline)[0]! : null;
  const cmp = theirs === null ? '' : `; from the unit-gain start it arrives ×${fmt(theirs)}`;
  return `|dloss/do_k| relative to |dloss/do${sub(run.params.depth)}|: each link multiplies it by |φ′(z)·w|. It reaches o₁ ×${fmt(first)}${cmp}.`;
}
