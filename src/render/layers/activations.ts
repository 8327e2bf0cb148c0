import type { LayerHistogram, LayersReport } from '../../engine/layers/index.ts';
import { fmt } from '../../format/number.ts';
import { cardPng, headerBlock, type Block } from '../card.ts';
import { altNum } from '../labels.ts';
import { drawText } from '../text.ts';
import { CARD, CONTENT_WIDTH, THEME } from '../theme.ts';
import { LAYERS_VERDICT_COLOUR, layersParamsLine, paragraphBlock } from './common.ts';

const COLS = 2;
const CELL_H = 250;
const GAP_X = 36;

function pct(v: number): string {
  const p = 100 * v;
  return p > 0 && p < 1 ? '<1%' : p < 100 && p > 99 ? '>99%' : `${Math.round(p)}%`;
}

function cell(ctx: Parameters<Block['draw']>[0], h: LayerHistogram, share: number, word: string, x: number, top: number, w: number): void {
  drawText(ctx, `layer ${h.layer}`, x, top + 28, { size: 28, colour: THEME.text, weight: 'bold' });
  drawText(ctx, `${pct(share)} ${word}`, x + w, top + 28, { size: 26, colour: share > 0 ? THEME.warn : THEME.muted, weight: share >= 0.5 ? 'bold' : 'normal' }, 'right');
  const barsTop = top + 48;
  const barsBottom = top + CELL_H - 62;
  ctx.fillStyle = THEME.panelSoft;
  ctx.fillRect(x, barsTop, w, barsBottom - barsTop);
  const max = Math.max(1, ...h.bins);
  const bw = w / h.bins.length;
  h.bins.forEach((count, i) => {
    if (count === 0) return;
    const full = ((barsBottom - barsTop - 6) * count) / max;
    const sat = (full * h.saturated[i]!) / count;
    const bx = x + i * bw + 1;
    ctx.fillStyle = THEME.accent;
    ctx.fillRect(bx, barsBottom - full, bw - 2, full - sat);
    ctx.fillStyle = THEME.warn;
    ctx.fillRect(bx, barsBottom - sat, bw - 2, sat);
  });
  ctx.strokeStyle = THEME.border;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, barsBottom);
  ctx.lineTo(x + w, barsBottom);
  ctx.stroke();
  const labelY = barsBottom + 32;
  drawText(ctx, fmt(h.lo), x, labelY, { size: 26, colour: THEME.muted }, 'left');
  if (h.lo < 0 && h.hi > 0) drawText(ctx, '0', x + (w * -h.lo) / (h.hi - h.lo), labelY, { size: 26, colour: THEME.muted }, 'center');
  drawText(ctx, fmt(h.hi), x + w, labelY, { size: 26, colour: THEME.muted }, 'right');
}

function gridBlock(report: LayersReport, word: string): Block {
  const hs = report.histograms;
  const rows = Math.ceil(hs.length / COLS);
  const w = (CONTENT_WIDTH - GAP_X * (COLS - 1)) / COLS;
  return {
    height: rows * CELL_H,
    draw(ctx, top) {
      hs.forEach((h, i) => {
        const x = CARD.pad + (i % COLS) * (w + GAP_X);
        cell(ctx, h, report.run.step0.saturated[h.layer - 1]!, word, x, top + Math.floor(i / COLS) * CELL_H, w);
      });
    },
  };
}

const WORD = { sigmoid: 'saturated', tanh: 'saturated', relu: 'dead', linear: 'saturated' } as const;

function whatShaded(act: LayersReport['run']['params']['act']): string {
  if (act === 'relu') return "Yellow: dead units (z ≤ 0, so relu′ = 0 and nothing passes back).";
  if (act === 'linear') return 'A linear unit never saturates: nothing is shaded.';
  return `Yellow: saturated units, where ${act === 'sigmoid' ? 'σ′' : 'tanh′'}(z) is below a tenth of its peak and passes little back.`;
}

/** activations.png: a histogram of H_k at step 0 for up to ten layers sampled evenly, saturated or dead share shaded. */
export function renderActivationsPng(report: LayersReport): Buffer {
  const { run } = report;
  const p = run.params;
  const colour = LAYERS_VERDICT_COLOUR[run.verdict];
  const shown = report.histograms.length < p.depth ? `${report.histograms.length} of ${p.depth} layers, evenly spaced` : `all ${p.depth} layer${p.depth === 1 ? '' : 's'}`;
  const blocks: Block[] = [
    headerBlock('Activations at step 0, layer by layer', layersParamsLine(p), { text: run.verdict.toUpperCase(), colour }),
    paragraphBlock(`Each panel: the ${p.batch * p.width} values of one layer's output H_k (${shown}). ${whatShaded(p.act)}`, { size: CARD.small, colour: THEME.muted }),
    gridBlock(report, WORD[p.act]),
  ];
  return cardPng(blocks, colour, 26);
}

export function activationsAlt(report: LayersReport): string {
  const { run } = report;
  const s = run.step0;
  const parts = report.histograms.map((h) => `layer ${h.layer}: std ${altNum(s.act_std[h.layer - 1]!)}, ${pct(s.saturated[h.layer - 1]!)} ${WORD[run.params.act]}`);
  return `Histograms of each sampled layer's ${run.params.act} activations at step 0; ${parts.join('; ')}.`;
}
