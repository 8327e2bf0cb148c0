import type { CanvasRenderingContext2D } from 'canvas';
import type { LayersParams, LayersVerdict } from '../../engine/layers/index.ts';
import { fmt, superscript } from '../../format/number.ts';
import { measureCtx, type Block } from '../card.ts';
import { font } from '../fonts.ts';
import { drawRuns, drawText, wrapText, type TextStyle } from '../text.ts';
import { CARD, CONTENT_WIDTH, THEME, VERDICT_COLOUR } from '../theme.ts';

export const LAYERS_VERDICT_COLOUR: Record<LayersVerdict, string> = {
  healthy: VERDICT_COLOUR.healthy,
  exploding: VERDICT_COLOUR.exploding,
  vanishing: VERDICT_COLOUR.vanishing,
  diverged: VERDICT_COLOUR.diverged,
};

const INIT_NAME = { xavier: 'Xavier', he: 'He', normal: 'normal', const: 'const' } as const;

/** "Xavier", "normal std 0.01", "every w = 500", with the gain when it is not 1. */
export function initText(p: LayersParams): string {
  const gain = p.init !== 'const' && p.gain !== 1 ? ` × gain ${fmt(p.gain)}` : '';
  if (p.init === 'normal') return `normal, std ${fmt(p.std ?? 1)}${gain}`;
  if (p.init === 'const') return `every w = ${fmt(p.w ?? 0)}`;
  return `${INIT_NAME[p.init]}${gain}`;
}

/** The run's settings in one line, as a card's subtitle. */
export function layersParamsLine(p: LayersParams): string {
  const parts = [`${p.depth} layers × ${p.width} units`, p.act, initText(p), `batch ${p.batch}`, `lr ${fmt(p.lr)}`, `${p.steps} steps`, `seed ${p.seed}`];
  if (p.clip !== null) parts.push(`clip ${fmt(p.clip)}`);
  return parts.join('  ·  ');
}

/** 10 to the e, as drawn: "10⁻¹¹", "1", "10". */
export function decade(e: number): string {
  if (e === 0) return '1';
  if (e === 1) return '10';
  return `10${superscript(e)}`;
}

/** Decade ticks from lo to hi (exponents), at most `max` labels: every 1, 2, 5, 10... decades. */
export function decadeTicks(lo: number, hi: number, max = 7): number[] {
  const span = Math.max(1, hi - lo);
  const step = [1, 2, 3, 5, 10, 20, 50, 100].find((s) => span / s <= max - 1) ?? Math.ceil(span / (max - 1));
  const out: number[] = [];
  for (let e = Math.ceil(lo / step) * step; e <= hi; e += step) out.push(e);
  return out;
}

/** Wrapped small text as a block (footers, legends in words). */
export function paragraphBlock(text: string, st: TextStyle = { size: CARD.small - 2, colour: THEME.muted }, gapAfter?: number): Block {
  const lines = wrapText(measureCtx(), text, CONTENT_WIDTH, st);
  const lineH = st.size * 1.35;
  return {
    height: lines.length * lineH,
    ...(gapAfter !== undefined ? { gapAfter } : {}),
    draw(ctx, top) {
      let y = top + st.size;
      for (const l of lines) {
        drawRuns(ctx, l, CARD.pad, y, st);
        y += lineH;
      }
    },
  };
}

/** A line sample for a legend: solid or dashed, then its text; returns the x after it. */
export function legendItem(ctx: CanvasRenderingContext2D, x: number, baseline: number, colour: string, dashed: boolean, text: string, size = 26): number {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 5;
  ctx.setLineDash(dashed ? [12, 8] : []);
  ctx.beginPath();
  ctx.moveTo(x, baseline - size * 0.35);
  ctx.lineTo(x + 52, baseline - size * 0.35);
  ctx.stroke();
  ctx.restore();
  return x + 64 + drawText(ctx, text, x + 64, baseline, { size, colour: THEME.text }) + 34;
}

/** A filled rounded label, e.g. "diverged at step 3" on a chart. */
export function tag(ctx: CanvasRenderingContext2D, text: string, x: number, top: number, colour: string, size = 24): { width: number; height: number } {
  ctx.save();
  ctx.font = font(size, 'bold');
  const w = ctx.measureText(text).width + 28;
  const h = size * 1.7;
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.roundRect(x, top, w, h, h / 2);
  ctx.fill();
  ctx.fillStyle = THEME.bg;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + 14, top + h / 2 + 1);
  ctx.restore();
  return { width: w, height: h };
}
