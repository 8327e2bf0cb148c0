import type { CanvasRenderingContext2D } from 'canvas';
import type { LayersReport, LayersRun } from '../../engine/layers/index.ts';
import { fmt } from '../../format/number.ts';
import { cardPng, headerBlock, noteBlock, type Block } from '../card.ts';
import { altNum } from '../labels.ts';
import { drawText } from '../text.ts';
import { CARD, THEME } from '../theme.ts';
import { decade, decadeTicks, LAYERS_VERDICT_COLOUR, layersParamsLine, paragraphBlock, tag } from './common.ts';

/** Viridis, sampled: dark blue for the smallest gradients, yellow for the largest; readable for colour-blind students. */
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;

export function heatColour(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c = [0, 1, 2].map((j) => Math.round(a[j]! + (b[j]! - a[j]!) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Cells where the gradient is exactly 0: no colour of the scale, which has no 0. */
const ZERO = '#475569';

const LEFT = CARD.pad + 96;
const RIGHT = CARD.width - CARD.pad - 150;
const HEAT_H = 500;
const LOSS_H = 300;

interface Geometry {
  steps: number;
  x(t: number): number;
  colW: number;
}

function geometry(run: LayersRun): Geometry {
  const steps = Math.max(1, run.trajectory.loss.length);
  const colW = (RIGHT - LEFT) / steps;
  return { steps, colW, x: (t) => LEFT + t * colW };
}

function stepLabels(ctx: CanvasRenderingContext2D, g: Geometry, y: number): void {
  const every = Math.max(1, Math.ceil(g.steps / 10));
  for (let t = 0; t < g.steps; t += every) drawText(ctx, String(t), g.x(t) + g.colW / 2, y, { size: 26, colour: THEME.muted }, 'center');
}

function divergenceLine(ctx: CanvasRenderingContext2D, run: LayersRun, g: Geometry, top: number, bottom: number): void {
  const t = run.diverged_at;
  if (t === null) return;
  const x = Math.min(RIGHT, g.x(t) + (t < run.trajectory.loss.length ? g.colW / 2 : 0));
  ctx.save();
  ctx.strokeStyle = THEME.bad;
  ctx.lineWidth = 4;
  ctx.setLineDash([10, 8]);
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, bottom);
  ctx.stroke();
  ctx.restore();
}

function heatBlock(run: LayersRun): Block {
  const L = run.params.depth;
  const rows = run.trajectory.grad_norm_w;
  const logs = rows.flat().filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
  let lo = logs.length ? Math.floor(Math.min(...logs)) : -1;
  let hi = logs.length ? Math.ceil(Math.max(...logs)) : 1;
  if (hi - lo < 1) [lo, hi] = [lo - 1, hi + 1];
  const g = geometry(run);
  return {
    height: HEAT_H + 84,
    draw(ctx, top) {
      const bottom = top + HEAT_H;
      const rowH = HEAT_H / L;
      rows.forEach((row, t) => {
        row.forEach((v, i) => {
          const y = bottom - (i + 1) * rowH;
          ctx.fillStyle = v === 0 ? ZERO : !Number.isFinite(v) ? THEME.bad : heatColour((Math.log10(v) - lo) / (hi - lo));
          ctx.fillRect(g.x(t), y, g.colW + 0.5, rowH + 0.5);
        });
      });
      ctx.strokeStyle = THEME.border;
      ctx.lineWidth = 2;
      ctx.strokeRect(LEFT, top, RIGHT - LEFT, HEAT_H);
      // Layer labels: 1 at the bottom (next to the input), L at the top.
      const every = Math.max(1, Math.ceil(L / 8));
      for (let k = 1; k <= L; k++) {
        if (k !== 1 && k !== L && k % every !== 0) continue;
        if (k !== L && k !== 1 && L - k < every / 2) continue;
        drawText(ctx, String(k), LEFT - 14, bottom - (k - 0.5) * rowH + 9, { size: 26, colour: THEME.muted }, 'right');
      }
      ctx.save();
      ctx.translate(CARD.pad + 14, top + HEAT_H / 2);
      ctx.rotate(-Math.PI / 2);
      drawText(ctx, 'layer', 0, 0, { size: 26, colour: THEME.text, weight: 'bold' }, 'center');
      ctx.restore();
      stepLabels(ctx, g, bottom + 34);
      drawText(ctx, 'training step', (LEFT + RIGHT) / 2, bottom + 72, { size: 26, colour: THEME.text, weight: 'bold' }, 'center');
      // The colour bar.
      const bx = RIGHT + 30;
      const bw = 34;
      for (let i = 0; i < HEAT_H; i++) {
        ctx.fillStyle = heatColour(1 - i / HEAT_H);
        ctx.fillRect(bx, top + i, bw, 1.5);
      }
      for (const e of decadeTicks(lo, hi, 6)) {
        const y = top + HEAT_H * (1 - (e - lo) / (hi - lo));
        drawText(ctx, decade(e), bx + bw + 10, y + 9, { size: 24, colour: THEME.muted });
      }
      if (rows.some((row) => row.some((v) => v === 0))) {
        ctx.fillStyle = ZERO;
        ctx.fillRect(bx, bottom + 20, bw, 30);
        ctx.strokeStyle = THEME.border;
        ctx.strokeRect(bx, bottom + 20, bw, 30);
        drawText(ctx, '0', bx + bw + 10, bottom + 44, { size: 24, colour: THEME.muted });
      }
      divergenceLine(ctx, run, g, top, bottom);
      if (run.diverged_at !== null) {
        const x = Math.min(RIGHT - 260, Math.max(LEFT + 6, g.x(run.diverged_at) - 120));
        tag(ctx, `diverged at step ${run.diverged_at}`, x, top + 10, THEME.bad);
      }
    },
  };
}

function lossBlock(run: LayersRun): Block {
  const loss = run.trajectory.loss;
  const finite = loss.filter((v) => Number.isFinite(v) && v > 0);
  const g = geometry(run);
  const min = finite.length ? Math.min(...finite) : 1;
  const max = finite.length ? Math.max(...finite) : 1;
  const log = max / min > 20;
  const lo = log ? Math.floor(Math.log10(min)) : 0;
  const hi = log ? Math.ceil(Math.log10(max)) : max * 1.1 || 1;
  const val = (v: number) => (log ? Math.log10(v) : v);
  return {
    height: LOSS_H + 50,
    draw(ctx, top) {
      const plotTop = top + 40;
      const bottom = top + LOSS_H;
      drawText(ctx, 'loss', LEFT, top + 26, { size: 26, colour: THEME.text, weight: 'bold' });
      ctx.fillStyle = THEME.panelSoft;
      ctx.fillRect(LEFT, plotTop, RIGHT - LEFT, bottom - plotTop);
      const y = (v: number) => bottom - ((val(v) - lo) / (hi - lo || 1)) * (bottom - plotTop);
      const labels = log ? decadeTicks(lo, hi, 4).map((e) => ({ v: 10 ** e, text: decade(e) })) : [0, hi / 2, hi].map((v) => ({ v, text: fmt(Number(v.toPrecision(2))) }));
      for (const l of labels) {
        const ly = y(l.v);
        ctx.strokeStyle = THEME.grid;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(LEFT, ly);
        ctx.lineTo(RIGHT, ly);
        ctx.stroke();
        drawText(ctx, l.text, LEFT - 14, ly + 9, { size: 24, colour: THEME.muted }, 'right');
      }
      ctx.strokeStyle = THEME.text;
      ctx.fillStyle = THEME.text;
      ctx.lineWidth = 4;
      ctx.beginPath();
      let open = false;
      loss.forEach((v, t) => {
        if (!Number.isFinite(v) || (log && v <= 0)) {
          open = false;
          return;
        }
        const px = g.x(t) + g.colW / 2;
        if (open) ctx.lineTo(px, y(v));
        else ctx.moveTo(px, y(v));
        open = true;
      });
      ctx.stroke();
      if (loss.length <= 40) {
        loss.forEach((v, t) => {
          if (!Number.isFinite(v) || (log && v <= 0)) return;
          ctx.beginPath();
          ctx.arc(g.x(t) + g.colW / 2, y(v), 5, 0, 2 * Math.PI);
          ctx.fill();
        });
      }
      divergenceLine(ctx, run, g, plotTop, bottom);
      stepLabels(ctx, g, bottom + 34);
    },
  };
}

function trainingStory(run: LayersRun, num: (v: number) => string = fmt): string {
  const loss = run.trajectory.loss;
  const first = loss[0]!;
  const lastI = loss.length - 1;
  const last = loss[lastI]!;
  const d = run.diverged_at;
  if (d !== null) {
    const what = d < loss.length ? `the loss of step ${d} is ${num(loss[d]!)}` : `the weights became non-finite after step ${d - 1}'s update`;
    return `Diverged at step ${d}: ${what}.`;
  }
  const frozen = run.trajectory.grad_norm_w.every((row) => row.every((v) => v === 0));
  return `The loss goes from ${num(first)} at step 0 to ${num(last)} at step ${lastI}.${frozen ? ' Every weight gradient is exactly 0 at every step (grey): nothing trains.' : ''}`;
}

/** training.png: log10 norm(GW_k) as a heat map over layers × steps, the loss below on the same steps, the divergence marked. */
export function renderTrainingPng(report: LayersReport): Buffer {
  const { run } = report;
  const colour = LAYERS_VERDICT_COLOUR[run.verdict];
  const header = headerBlock("Training: each layer's weight gradient", layersParamsLine(run.params), { text: run.verdict.toUpperCase(), colour });
  if (run.trajectory.loss.length === 0) {
    const why = run.params.steps === 0 ? 'steps=0: nothing was trained.' : `The parameters were not finite from the start (diverged at step ${run.diverged_at}): no step reached a forward pass.`;
    return cardPng([header, noteBlock({ title: 'No training to show', body: `${why} Step 0's gradients are on the other pictures.`, colour })], colour, 28);
  }
  const blocks: Block[] = [
    header,
    paragraphBlock(`Colour: norm of dloss/dW_k (unclipped), on a log scale: one row per layer, one column per step. ${trainingStory(run)}`, { size: CARD.small, colour: THEME.muted }, 26),
    heatBlock(run),
    lossBlock(run),
  ];
  return cardPng(blocks, colour, 18);
}

export function trainingAlt(report: LayersReport): string {
  const { run } = report;
  const rows = run.trajectory.grad_norm_w;
  if (rows.length === 0) return `No training steps to show (steps=${run.params.steps}${run.diverged_at !== null ? `, diverged at step ${run.diverged_at}` : ''}).`;
  const first = rows[0]!;
  const min = first.reduce((m, v, i) => (v < first[m]! ? i : m), 0);
  const max = first.reduce((m, v, i) => (v > first[m]! ? i : m), 0);
  return (
    `Heat map of the weight gradient's norm for ${run.params.depth} layers over ${rows.length} training steps, with the loss below. ` +
    `At step 0 layer ${min + 1} gets the smallest (${altNum(first[min]!)}) and layer ${max + 1} the largest (${altNum(first[max]!)}). ${trainingStory(run, altNum)}`
  );
}
