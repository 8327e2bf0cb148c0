import type { CanvasRenderingContext2D } from 'canvas';
import { recommendedInit, type LayersReport, type LayersRun } from '../../engine/layers/index.ts';
import { approx, gradientSentence, LAYERS_VERDICT_TITLE } from '../../format/layers-verdict.ts';
import { fmt } from '../../format/number.ts';
import { cardPng, headerBlock, noteBlock, textWidth, type Block } from '../card.ts';
import { altNum } from '../labels.ts';
import { drawText } from '../text.ts';
import { CARD, THEME } from '../theme.ts';
import { decade, decadeTicks, initText, LAYERS_VERDICT_COLOUR, layersParamsLine, legendItem, paragraphBlock } from './common.ts';

/** norm(D_k) for k = 0 (the input) .. L (the output). */
export function backNorms(run: LayersRun): number[] {
  return [run.step0.grad_norm_input, ...run.step0.grad_norm_h];
}

/** Layers whose gain is written on the picture: all of them up to 12, else the four that change the gradient most. */
export function gainsShown(run: LayersRun): number[] {
  const L = run.params.depth;
  const all = Array.from({ length: L }, (_, i) => i + 1);
  if (L <= 12) return all;
  const weight = (k: number) => {
    const g = run.step0.gain[k - 1]!;
    return g === 0 || !Number.isFinite(g) ? Infinity : Math.abs(Math.log10(g));
  };
  return all
    .sort((a, b) => weight(b) - weight(a) || a - b)
    .slice(0, 4)
    .sort((a, b) => a - b);
}

const PLOT_H = 600;
const ZERO_BAND = 54;

function plotBlock(report: LayersReport): Block {
  const { run, recommended } = report;
  const L = run.params.depth;
  const mine = backNorms(run);
  const rec = backNorms(recommended);
  const positive = [...mine, ...rec].filter((v) => v > 0 && Number.isFinite(v));
  const hasZero = [...mine, ...rec].some((v) => v === 0);
  let lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : -1;
  let hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
  if (hi - lo < 2) [lo, hi] = [lo - 1, hi + 1];
  const ticks = decadeTicks(lo, hi);
  const left = CARD.pad + 118;
  const right = CARD.width - CARD.pad - 10;
  const same = JSON.stringify({ ...run.params, steps: 0 }) === JSON.stringify(recommended.params);
  const legendH = 90;
  const axisH = 84;
  return {
    height: PLOT_H,
    draw(ctx, top) {
      const plotTop = top + legendH + 30;
      const plotBottom = top + PLOT_H - axisH - (hasZero ? ZERO_BAND : 0);
      const x = (k: number) => left + 20 + ((right - left - 40) * k) / Math.max(1, L);
      const y = (v: number) => (v === 0 ? plotBottom + ZERO_BAND / 2 + 6 : plotBottom - ((Math.log10(v) - lo) / (hi - lo)) * (plotBottom - plotTop));
      // Legend: the second item goes on its own line when both do not fit.
      const recName = `${recommendedInit(run.params.act) === 'he' ? 'He' : 'Xavier'} (recommended for ${run.params.act})`;
      const mineText = `this run: ${initText(run.params)}${same ? ' (the recommended init)' : ''}`;
      const end = legendItem(ctx, CARD.pad, top + 32, THEME.accent, false, mineText);
      if (!same) {
        const fits = end + 64 + textWidth(ctx, recName, { size: 26, colour: THEME.text }) <= CARD.width - CARD.pad;
        legendItem(ctx, fits ? end : CARD.pad, top + (fits ? 32 : 72), THEME.muted, true, recName);
      }
      // Panel and grid.
      ctx.fillStyle = THEME.panelSoft;
      ctx.fillRect(left, plotTop - 10, right - left, plotBottom - plotTop + 20);
      ctx.lineWidth = 1.5;
      for (const e of ticks) {
        const ty = y(10 ** e);
        ctx.strokeStyle = e === 0 ? THEME.faint : THEME.grid;
        ctx.beginPath();
        ctx.moveTo(left, ty);
        ctx.lineTo(right, ty);
        ctx.stroke();
        drawText(ctx, decade(e), left - 14, ty + 9, { size: 26, colour: THEME.muted }, 'right');
      }
      if (hasZero) {
        ctx.fillStyle = THEME.panel;
        ctx.fillRect(left, plotBottom + 14, right - left, ZERO_BAND - 8);
        drawText(ctx, '0', left - 14, plotBottom + ZERO_BAND / 2 + 15, { size: 26, colour: THEME.muted }, 'right');
      }
      // x labels: input, a few layers, output.
      const every = Math.max(1, Math.ceil(L / 10));
      for (let k = 0; k <= L; k++) {
        if (k !== 0 && k !== L && k % every !== 0) continue;
        if (k !== L && L - k < every / 2 && k !== 0) continue;
        drawText(ctx, String(k), x(k), top + PLOT_H - axisH + 36, { size: 26, colour: THEME.muted }, 'center');
      }
      drawText(ctx, '← input', left, top + PLOT_H - 10, { size: 26, colour: THEME.text, weight: 'bold' }, 'left');
      drawText(ctx, 'layer k: norm of the gradient dloss/dH_k', (left + right) / 2, top + PLOT_H - 10, { size: 26, colour: THEME.text, weight: 'bold' }, 'center');
      drawText(ctx, 'output →', right, top + PLOT_H - 10, { size: 26, colour: THEME.text, weight: 'bold' }, 'right');
      if (!same) drawSeries(ctx, rec, x, y, THEME.muted, true);
      drawSeries(ctx, mine, x, y, THEME.accent, false);
      // Gains: what layer k did to the gradient on its way from k to k-1, written above that stretch.
      for (const k of gainsShown(run)) {
        const g = run.step0.gain[k - 1]!;
        const a = mine[k]!;
        const b = mine[k - 1]!;
        if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
        const midY = Math.min(y(a), y(b)) - 18;
        const label = `×${approx(g, 'unicode', 2)}`;
        const size = L > 16 ? 22 : 24;
        drawText(ctx, label, (x(k) + x(k - 1)) / 2, Math.max(plotTop + 6, midY), { size, colour: THEME.warn, weight: 'bold' }, 'center');
      }
    },
  };
}

function drawSeries(ctx: CanvasRenderingContext2D, vals: readonly number[], x: (k: number) => number, y: (v: number) => number, colour: string, dashed: boolean): void {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = dashed ? 4 : 5;
  ctx.setLineDash(dashed ? [14, 10] : []);
  ctx.beginPath();
  let open = false;
  vals.forEach((v, k) => {
    if (!Number.isFinite(v)) {
      open = false;
      return;
    }
    if (open) ctx.lineTo(x(k), y(v));
    else ctx.moveTo(x(k), y(v));
    open = true;
  });
  ctx.stroke();
  ctx.setLineDash([]);
  if (!dashed && vals.length <= 60) {
    vals.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      ctx.beginPath();
      ctx.arc(x(k), y(v), vals.length > 30 ? 4 : 7, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
  ctx.restore();
}

function ratioText(run: LayersRun): string {
  const r = run.ratio_first_last;
  return r === null ? 'no gradient at the output' : `norm(D₀) / norm(D_L) = ${fmt(r)}`;
}

/** gradient.png: the verdict badge and its sentence, then norm(D_k) layer by layer on a log axis. */
export function renderGradientPng(report: LayersReport): Buffer {
  const { run, recommended } = report;
  const colour = LAYERS_VERDICT_COLOUR[run.verdict];
  const blocks: Block[] = [
    headerBlock('The gradient on its way back', layersParamsLine(run.params), { text: run.verdict.toUpperCase(), colour }),
    noteBlock({ title: `${LAYERS_VERDICT_TITLE[run.verdict]}: ${ratioText(run)}`, body: gradientSentence(run), colour }),
    plotBlock(report),
    paragraphBlock(
      `Read right to left: the gradient starts at the output and each layer k multiplies its norm by its gain (yellow), norm(D_k−1) / norm(D_k).` +
        (JSON.stringify({ ...run.params, steps: 0 }) === JSON.stringify(recommended.params)
          ? ''
          : ` Dashed: the same network under ${recommendedInit(run.params.act) === 'he' ? 'He' : 'Xavier'}, whose stack multiplies it by ${recommended.ratio_first_last === null ? 'n/a' : approx(recommended.ratio_first_last)}.`),
    ),
  ];
  return cardPng(blocks, colour, 28);
}

export function gradientAlt(report: LayersReport): string {
  const { run, recommended } = report;
  const r = run.ratio_first_last;
  const rr = recommended.ratio_first_last;
  return (
    `Line chart on a log scale of the gradient's norm at each of ${run.params.depth} ${run.params.act} layers, input on the left, output on the right: ` +
    `${r === null ? 'no gradient reaches the output' : `the input gets ${altNum(r)} times the output's gradient`}; verdict ${run.verdict}. ` +
    `Dashed, the same network under ${recommendedInit(run.params.act) === 'he' ? 'He' : 'Xavier'} init: ${rr === null ? 'no gradient' : `${altNum(rr)} times`}.`
  );
}

