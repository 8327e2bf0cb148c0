import type { Canvas, CanvasRenderingContext2D as NodeCtx } from 'canvas';
import type { Chart, ChartConfiguration, ChartDataset, Plugin, Scale } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { verdictOf, type RunResult } from '../engine/index.ts';
import { fmt } from '../format/number.ts';
import { drawFrame, encodePng, headerBlock, measureCtx, roundRect, withCanvas } from './card.ts';
import { font, registerFonts, SANS } from './fonts.ts';
import { altNum, paramsLine, sub } from './labels.ts';
import { symlogFor, type SymLog } from './symlog.ts';
import { drawRuns, wrapText, type Run, type TextStyle } from './text.ts';
import { CARD, CONTENT_WIDTH, LAYER_COLOURS, THEME, verdictColour } from './theme.ts';

export const CHART_SIZE = { width: CARD.width, height: 1180 } as const;

/** At most this many layer lines; deeper chains show their first and last layers. */
const MAX_LINES = 8;
const FOOTER_STYLE: TextStyle = { size: CARD.small - 2, colour: THEME.muted };
const LINE = 1.35;

/**
 * A new ChartJSNodeCanvas loads a fresh Chart.js and leaks about 2 MB, so each
 * thread makes exactly one (chartCanvas()) and reuses it for every chart.
 *
 * No backgroundColour: the frame plugin paints every pixel first (drawFrame),
 * so the library's extra full-canvas fill changed nothing. The charts are
 * drawn on an opaque RGB24 canvas like the cards (opaqueCanvas): a quarter
 * less to encode than with an alpha channel nobody sees.
 */
export function createChartCanvas(): ChartJSNodeCanvas {
  registerFonts();
  const c = new ChartJSNodeCanvas({
    ...CHART_SIZE,
    chartCallback: (ChartJS) => {
      ChartJS.defaults.font.family = SANS;
      ChartJS.defaults.color = THEME.muted;
    },
  });
  // The factory is private in the typings; without it the chart is drawn with an alpha channel and text as paths, which is only slower.
  const internal = c as unknown as { _createCanvas?: (w: number, h: number, type?: string) => Canvas };
  const make = internal._createCanvas;
  if (typeof make === 'function') {
    internal._createCanvas = (w, h, type) => {
      const canvas = make(w, h, type);
      // As opaqueCanvas (card.ts) makes them: RGB, text as glyphs.
      canvas.getContext('2d', { pixelFormat: 'RGB24' }).textDrawingMode = 'glyph';
      return canvas;
    };
  }
  return c;
}

let shared: ChartJSNodeCanvas | null = null;

export function chartCanvas(): ChartJSNodeCanvas {
  shared ??= createChartCanvas();
  return shared;
}

type Point = { x: number; y: number | null };

/** Layers drawn: all of them up to MAX_LINES, else the first and last four. */
export function shownLayers(depth: number): number[] {
  if (depth <= MAX_LINES) return Array.from({ length: depth }, (_, i) => i + 1);
  const half = MAX_LINES / 2;
  return [...Array.from({ length: half }, (_, i) => i + 1), ...Array.from({ length: half }, (_, i) => depth - half + 1 + i)];
}

/** The steps shown: all of them, unless the run stopped early and would be a sliver at the left. */
function xMaxOf(run: RunResult): number {
  const steps = run.params.steps;
  const t = run.diverged_at;
  if (t === null) return steps;
  const want = Math.max(10, 2 * t + 2);
  const nice = want <= 20 ? want : Math.ceil(want / 10) * 10;
  return Math.min(steps, nice);
}

function weightSeries(run: RunResult, k: number, xMax: number, s: SymLog): Point[] {
  return run.trajectory.w.slice(0, xMax + 1).map((row, t) => {
    const v = row[k - 1]!;
    return { x: t, y: Number.isFinite(v) ? s.to(v) : null };
  });
}

function lossSeries(run: RunResult, xMax: number, s: SymLog): Point[] {
  return run.trajectory.loss.slice(0, xMax + 1).map((v, t) => ({ x: t, y: Number.isFinite(v) ? s.to(v) : null }));
}

function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(alpha * 255).toString(16).padStart(2, '0');
  return `${hex}${a}`;
}

function layerRange(layers: readonly number[], depth: number): string {
  return depth <= MAX_LINES ? '' : `showing layers 1–${MAX_LINES / 2} and ${depth - MAX_LINES / 2 + 1}–${depth} of ${depth}`;
}

/** How and when the run left the doubles: NaN, or an overflow to ±∞. */
function divergence(run: RunResult): { step: number; nan: boolean } | null {
  const t = run.diverged_at;
  if (t === null) return null;
  const loss = run.trajectory.loss[t];
  const row = [...(run.trajectory.w[t] ?? []), ...(run.trajectory.b[t] ?? [])];
  const nan = loss !== undefined && !Number.isFinite(loss) ? Number.isNaN(loss) : row.some(Number.isNaN);
  return { step: t, nan };
}

function divergenceText(run: RunResult): string | null {
  const d = divergence(run);
  return d === null ? null : d.nan ? `NaN at step ${d.step}` : `overflow at step ${d.step}`;
}

function scaleOptions(s: SymLog, title: string, weight: number) {
  return {
    type: 'linear' as const,
    position: 'left' as const,
    stack: 'panels',
    stackWeight: weight,
    min: s.min,
    max: s.max,
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = s.ticks.map((value) => ({ value }));
    },
    ticks: {
      callback: (v: number | string) => s.label(Number(v)),
      font: { size: 26 },
      color: THEME.muted,
      padding: 10,
    },
    grid: {
      color: (c: { tick?: { value: number } }) => (c.tick?.value === 0 ? THEME.faint : THEME.grid),
      lineWidth: (c: { tick?: { value: number } }) => (c.tick?.value === 0 ? 3 : 1.5),
    },
    border: { color: THEME.border, width: 2 },
    title: { display: true, text: title, font: { size: 28, weight: 'bold' as const }, color: THEME.text, padding: { bottom: 8 } },
  };
}

export function chartConfig(run: RunResult, baseline: RunResult): ChartConfiguration<'line', Point[]> {
  const v = verdictOf(run);
  const colour = verdictColour(v);
  const xMax = xMaxOf(run);
  const layers = shownLayers(run.params.depth);
  const wValues = [run, baseline].flatMap((r) => r.trajectory.w.slice(0, xMax + 1).flatMap((row) => layers.map((k) => row[k - 1]!)));
  const lValues = [run, baseline].flatMap((r) => r.trajectory.loss.slice(0, xMax + 1));
  const ws = symlogFor(wValues, 7);
  const ls = symlogFor(lValues, 4, true);
  const dense = xMax > 40;
  const line = { borderWidth: 4, pointRadius: dense ? 0 : 4, pointHoverRadius: 0, tension: 0, spanGaps: false, fill: false };
  const datasets: ChartDataset<'line', Point[]>[] = [];
  layers.forEach((k, i) => {
    const c = LAYER_COLOURS[i % LAYER_COLOURS.length]!;
    datasets.push({ ...line, label: `w${sub(k)}`, data: weightSeries(run, k, xMax, ws), yAxisID: 'w', borderColor: c, backgroundColor: c, order: 1 });
  });
  layers.forEach((k, i) => {
    const c = withAlpha(LAYER_COLOURS[i % LAYER_COLOURS.length]!, 0.6);
    datasets.push({ ...line, label: `healthy w${sub(k)}`, data: weightSeries(baseline, k, xMax, ws), yAxisID: 'w', borderColor: c, backgroundColor: c, borderDash: [14, 10], borderWidth: 3, pointRadius: dense ? 0 : 3, order: 2 });
  });
  datasets.push({ ...line, label: 'loss', data: lossSeries(run, xMax, ls), yAxisID: 'loss', borderColor: THEME.text, backgroundColor: THEME.text, order: 1 });
  datasets.push({ ...line, label: 'healthy loss', data: lossSeries(baseline, xMax, ls), yAxisID: 'loss', borderColor: THEME.muted, backgroundColor: THEME.muted, borderDash: [14, 10], borderWidth: 3, pointRadius: 0, order: 2 });

  const healthyW = fmt(baseline.params.w[0]!);
  const subtitle = [paramsLine(run.params), layerRange(layers, run.params.depth), xMax < run.params.steps ? `showing steps 0–${xMax}` : '']
    .filter((x) => x !== '')
    .join('  ·  ');
  const header = headerBlock('Weights during training', subtitle, { text: v.badge, colour });
  const marker = divergenceText(run);
  const footer = footerLines(healthyW, frozenFrom(run));
  const headerH = CARD.pad + 4 + header.height + 22;
  const footerH = CARD.pad + footer.length * FOOTER_STYLE.size * LINE + 14;

  const frame: Plugin<'line'> = {
    id: 'gradbotFrame',
    beforeDraw(chart) {
      const ctx = chart.ctx as unknown as NodeCtx;
      drawFrame(ctx, chart.width, chart.height, colour);
      const { left, right } = chart.chartArea;
      ctx.fillStyle = THEME.panelSoft;
      for (const id of ['w', 'loss']) {
        const sc = chart.scales[id];
        if (sc) ctx.fillRect(left, sc.top, right - left, sc.bottom - sc.top);
      }
    },
    beforeDatasetsDraw(chart) {
      // The x grid runs through the whole chart area; the gap between the panels stays clear.
      const gapScale = chart.scales.gap;
      if (!gapScale) return;
      const ctx = chart.ctx as unknown as NodeCtx;
      ctx.fillStyle = THEME.bg;
      ctx.fillRect(chart.chartArea.left - 2, gapScale.top + 1, chart.chartArea.right - chart.chartArea.left + 4, gapScale.bottom - gapScale.top - 2);
    },
    afterDraw(chart) {
      const ctx = chart.ctx as unknown as NodeCtx;
      header.draw(ctx, CARD.pad + 4);
      drawFooter(ctx, chart, footer);
    },
    afterDatasetsDraw(chart) {
      if (marker !== null && run.diverged_at !== null) drawMarker(chart, run.diverged_at, marker);
    },
  };

  return {
    type: 'line',
    data: { datasets },
    plugins: [frame],
    options: {
      devicePixelRatio: 1,
      layout: { padding: { top: headerH, bottom: footerH, left: CARD.pad - 10, right: CARD.pad } },
      plugins: {
        legend: {
          position: 'top',
          align: 'start',
          labels: {
            color: THEME.text,
            font: { size: 28 },
            usePointStyle: true,
            pointStyle: 'line',
            boxWidth: 44,
            padding: 20,
            generateLabels: () => [
              ...layers.map((k, i) => ({ text: `w${sub(k)}`, strokeStyle: LAYER_COLOURS[i % LAYER_COLOURS.length], fillStyle: LAYER_COLOURS[i % LAYER_COLOURS.length], lineWidth: 5, pointStyle: 'line' as const, fontColor: THEME.text, hidden: false })),
              { text: 'loss', strokeStyle: THEME.text, fillStyle: THEME.text, lineWidth: 5, pointStyle: 'line' as const, fontColor: THEME.text, hidden: false },
              { text: `unit-gain start (w = ${healthyW})`, strokeStyle: THEME.muted, fillStyle: THEME.muted, lineWidth: 4, lineDash: [10, 7], pointStyle: 'line' as const, fontColor: THEME.text, hidden: false },
            ],
          },
        },
        title: { display: false },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: xMax,
          ticks: { maxTicksLimit: 11, precision: 0, font: { size: 26 }, color: THEME.muted, callback: (val) => fmt(Number(val)), maxRotation: 0, autoSkipPadding: 24 },
          grid: { color: THEME.grid, lineWidth: 1.5 },
          border: { color: THEME.border, width: 2 },
          title: { display: true, text: 'training step', font: { size: 28, weight: 'bold' }, color: THEME.text },
        },
        loss: scaleOptions(ls, 'loss', 1.2),
        // An empty scale in the stack: the gap between the two panels.
        gap: { type: 'linear', position: 'left', stack: 'panels', stackWeight: 0.42, display: true, ticks: { display: false }, grid: { display: false, drawTicks: false }, border: { display: false }, title: { display: false } },
        w: scaleOptions(ws, 'weight', 2.6),
      },
    },
  };
}

function drawMarker(chart: Chart<'line'>, t: number, text: string): void {
  const ctx = chart.ctx as unknown as NodeCtx;
  const area = chart.chartArea;
  const x = chart.scales.x!.getPixelForValue(t);
  ctx.save();
  ctx.strokeStyle = THEME.bad;
  ctx.lineWidth = 4;
  ctx.setLineDash([10, 8]);
  ctx.beginPath();
  ctx.moveTo(x, area.top);
  ctx.lineTo(x, area.bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = font(26, 'bold');
  const w = ctx.measureText(text).width + 34;
  const h = 46;
  // Right of the line, where the stopped run draws nothing; left of it near the right edge.
  const left = x + 14 + w <= area.right ? x + 14 : Math.max(area.left + 4, x - 14 - w);
  roundRect(ctx, left, area.top + 12, w, h, h / 2);
  ctx.fillStyle = THEME.bad;
  ctx.fill();
  ctx.fillStyle = THEME.bg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, left + w / 2, area.top + 12 + h / 2 + 1);
  ctx.restore();
}

/**
 * The step from which the loss is exactly 0 and no weight moves again, if
 * that happens after step 0. A saturated sigmoid run reaches it (ŷ rounds to
 * y = 1), and a student reading "exploding" above a loss that drops to 0
 * deserves to be told why.
 */
export function frozenFrom(run: RunResult): number | null {
  const { loss, w } = run.trajectory;
  let t = loss.length;
  while (t > 0 && loss[t - 1] === 0) t--;
  if (t < 1 || t >= loss.length) return null;
  const at = w[t]!;
  return w.slice(t).every((row) => row.every((v, k) => v === at[k])) ? t : null;
}

function footerLines(healthyW: string, frozen: number | null): Run[][] {
  const still =
    frozen === null
      ? ''
      : ` From step ${frozen} the loss is exactly 0: ŷ equals y to the last bit of a double, so every gradient is 0 and the weights stop moving.`;
  const text = `The weight and loss axes are symmetric-log (×10 per decade, 0 kept apart at the bottom or middle); the step axis is linear. Dashed: the same run from a unit-gain start, every w = ${healthyW} = 1/φ′(0), biases as in this run.${still}`;
  return wrapText(measureCtx(), text, CONTENT_WIDTH, FOOTER_STYLE);
}

function drawFooter(ctx: NodeCtx, chart: Chart<'line'>, lines: readonly Run[][]): void {
  let y = chart.height - CARD.pad - (lines.length - 1) * FOOTER_STYLE.size * LINE + 4;
  for (const l of lines) {
    drawRuns(ctx, l, CARD.pad, y, FOOTER_STYLE);
    y += FOOTER_STYLE.size * LINE;
  }
}

const resizeSkipped = new WeakSet<Canvas>();

/**
 * Chart.js sets a new chart's canvas size even when it is already right, and
 * node-canvas allocates the pixels anew on every such set (twice per chart).
 * On a canvas lent for charts, setting the size it already has does nothing.
 */
function skipSameSize(canvas: Canvas): Canvas {
  if (resizeSkipped.has(canvas)) return canvas;
  for (const dim of ['width', 'height'] as const) {
    let proto: object | null = Object.getPrototypeOf(canvas) as object | null;
    let d: PropertyDescriptor | undefined;
    while (proto && !(d = Object.getOwnPropertyDescriptor(proto, dim))) proto = Object.getPrototypeOf(proto) as object | null;
    const get = d?.get;
    const set = d?.set;
    if (!get || !set) return canvas;
    Object.defineProperty(canvas, dim, {
      configurable: true,
      enumerable: true,
      get(this: Canvas) {
        return get.call(this) as number;
      },
      set(this: Canvas, v: number) {
        if (v !== get.call(this)) set.call(this, v);
      },
    });
  }
  resizeSkipped.add(canvas);
  return canvas;
}

type ChartInternals = {
  // Private in the typings: through renderChart the PNG gets encodePng's faster settings, through _createCanvas a kept canvas.
  renderChart?: (c: unknown) => { canvas: Canvas | null; destroy(): void };
  _createCanvas?: (w: number, h: number, type?: string) => Canvas;
};

/** chart.png: every shown layer's weight over training, the loss below, the healthy run dashed. */
export function renderChartPng(run: RunResult, baseline: RunResult, canvas: ChartJSNodeCanvas = chartCanvas()): Buffer {
  const config = chartConfig(run, baseline) as unknown as Parameters<ChartJSNodeCanvas['renderToBufferSync']>[0];
  const inner = canvas as unknown as ChartInternals;
  const render = inner.renderChart;
  if (typeof render !== 'function') return canvas.renderToBufferSync(config, 'image/png');
  const make = inner._createCanvas;
  return withCanvas(CHART_SIZE.width, CHART_SIZE.height, (lent) => {
    if (typeof make === 'function') {
      inner._createCanvas = (w, h, type) => (w === lent.width && h === lent.height && type === undefined ? skipSameSize(lent) : make(w, h, type));
    }
    try {
      const chart = render.call(canvas, config);
      try {
        if (!chart.canvas) throw new Error('Chart.js drew no canvas');
        return encodePng(chart.canvas);
      } finally {
        chart.destroy();
      }
    } finally {
      if (typeof make === 'function') inner._createCanvas = make;
    }
  });
}

function lastFinite(xs: readonly number[]): number | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (Number.isFinite(xs[i]!)) return xs[i];
  return undefined;
}

/** One sentence for screen readers. */
export function chartAlt(run: RunResult, baseline: RunResult): string {
  const p = run.params;
  const w1 = run.trajectory.w.map((row) => row[0]!);
  const loss = run.trajectory.loss;
  const hw1 = lastFinite(baseline.trajectory.w.map((row) => row[0]!));
  const hl = lastFinite(baseline.trajectory.loss);
  const last = lastFinite(w1);
  const d = divergence(run);
  let story: string;
  if (d !== null) {
    const what = `the run ${d.nan ? 'hits NaN' : 'overflows'} at step ${d.step}`;
    story = last === undefined ? what : d.step === 0 ? `${what}, from w1 = ${altNum(last)}` : `${what} after w1 reached ${altNum(last)}`;
  } else {
    story = `w1 goes from ${altNum(w1[0]!)} to ${altNum(w1[w1.length - 1]!)} and the loss from ${altNum(loss[0]!)} to ${altNum(loss[loss.length - 1]!)}`;
    const frozen = frozenFrom(run);
    if (frozen !== null) story += `, exactly 0 from step ${frozen} on, where every gradient is 0 and the weights stop moving`;
  }
  const healthy = hw1 !== undefined && hl !== undefined ? `; dashed, the same run from a unit-gain start (w=${altNum(baseline.params.w[0]!)}) ends with w1 = ${altNum(hw1)} and loss ${altNum(hl)}` : '';
  return `Chart of the weights over ${p.steps} training steps for w=${altNum(p.w[0]!)}, lr=${altNum(p.lr)}, ${p.act}, depth ${p.depth}, on a symmetric log scale: ${story}${healthy}.`;
}
