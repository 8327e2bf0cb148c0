import type { Canvas, CanvasRenderingContext2D as NodeCtx } from 'canvas';
import type { Chart, ChartConfiguration, ChartDataset, Plugin, Scale } from 'chart.js';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { activation, baselineStatus, frozenFrom, saturationEdge, verdictOf, type BaselineStatus, type RunResult } from '../engine/index.ts';
import { SATURATED_SHARE_TEXT, verdictSentences } from '../format/verdict.ts';
import { fmt } from '../format/number.ts';
import { drawFrame, encodePng, headerBlock, measureCtx, roundRect, withCanvas } from './card.ts';
import { font, registerFonts, SANS } from './fonts.ts';
import { altNum, paramsLine, primeSymbol } from './labels.ts';
import { symlogFor, type SymLog } from './symlog.ts';
import { drawRuns, wrapText, type Run, type TextStyle } from './text.ts';
import { CARD, CONTENT_WIDTH, LAYER_COLOURS, THEME, verdictColour } from './theme.ts';

export const CHART_SIZE = { width: CARD.width, height: 1760 } as const;

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

/** The vertical marker: where the run overflowed, or from where it froze for ever. */
export function chartMarker(run: RunResult): { kind: 'overflow' | 'frozen'; step: number; text: string } | null {
  const d = divergence(run);
  if (d !== null) return { kind: 'overflow', step: d.step, text: d.nan ? `NaN at step ${d.step}` : `overflow at step ${d.step}` };
  const f = frozenFrom(run);
  return f === null ? null : { kind: 'frozen', step: f, text: `frozen from step ${f}` };
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
    // Stacked panels size their axes one by one; one width for all keeps every tick label inside the card.
    afterFit: (scale: Scale) => {
      scale.width = AXIS_WIDTH;
    },
  };
}

const AXIS_WIDTH = 150;

/** Per-layer series of a trajectory matrix (rows per step), through a symlog scale, |v| when asked. */
function layerSeries(rows: readonly (readonly number[])[], k: number, xMax: number, s: SymLog, abs = false): Point[] {
  return rows.slice(0, xMax + 1).map((row, t) => {
    const v = row[k - 1]!;
    return { x: t, y: Number.isFinite(v) ? s.to(abs ? Math.abs(v) : v) : null };
  });
}

/** The saturated band of the z panel, in axis units: where phi' < SATURATED_SHARE of its peak. */
function saturatedBands(act: RunResult['params']['act'], s: SymLog): Array<[number, number]> {
  const e = saturationEdge(act);
  if (!e) return [];
  if (!e.twoSided) return [[s.min, s.to(e.edge)]];
  return [
    [s.to(e.edge), s.max],
    [s.min, s.to(-e.edge)],
  ];
}

export function chartConfig(run: RunResult, baseline: RunResult): ChartConfiguration<'line', Point[]> {
  const v = verdictOf(run);
  const colour = verdictColour(v);
  const xMax = xMaxOf(run);
  const layers = shownLayers(run.params.depth);
  const status = baselineStatus(run, baseline);
  const runs = status === 'same' ? [run] : [run, baseline];
  const pick = (r: RunResult, rows: readonly (readonly number[])[]) => rows.slice(0, xMax + 1).flatMap((row) => layers.map((k) => row[k - 1]!));
  const ws = symlogFor(runs.flatMap((r) => pick(r, r.trajectory.w)), 6);
  const ls = symlogFor(runs.flatMap((r) => r.trajectory.loss.slice(0, xMax + 1)), 4, true, [lastFinite(run.trajectory.loss.slice(0, xMax + 1)) ?? 0]);
  const gs = symlogFor(runs.flatMap((r) => pick(r, r.trajectory.grad_b).map(Math.abs)), 5, true);
  const edge = saturationEdge(run.params.act);
  const zValues = pick(run, run.trajectory.z);
  // The band's edge is on the axis even when no neuron reaches it, so the shading always shows where it starts.
  const zs = symlogFor(edge ? [...zValues, edge.edge, ...(edge.twoSided ? [-edge.edge] : [])] : zValues, 5);
  const dense = xMax > 40;
  const line = { borderWidth: 4, pointRadius: dense ? 0 : 4.5, pointBorderWidth: 0, pointHoverRadius: 0, tension: 0, spanGaps: false, fill: false };
  const dashed = { borderDash: [14, 10], borderWidth: 3, pointRadius: dense ? 0 : 3.5, order: 2 };
  const datasets: ChartDataset<'line', Point[]>[] = [];
  const both = (id: 'w' | 'grad', rowsOf: (r: RunResult) => readonly (readonly number[])[], s: SymLog, abs: boolean) => {
    layers.forEach((k, i) => {
      const c = LAYER_COLOURS[i % LAYER_COLOURS.length]!;
      datasets.push({ ...line, label: `${id} ${k}`, data: layerSeries(rowsOf(run), k, xMax, s, abs), yAxisID: id, borderColor: c, backgroundColor: c, order: 1 });
    });
    if (status === 'same') return;
    layers.forEach((k, i) => {
      const c = withAlpha(LAYER_COLOURS[i % LAYER_COLOURS.length]!, 0.6);
      datasets.push({ ...line, ...dashed, label: `unit-gain ${id} ${k}`, data: layerSeries(rowsOf(baseline), k, xMax, s, abs), yAxisID: id, borderColor: c, backgroundColor: c });
    });
  };
  both('grad', (r) => r.trajectory.grad_b, gs, true);
  layers.forEach((k, i) => {
    const c = LAYER_COLOURS[i % LAYER_COLOURS.length]!;
    datasets.push({ ...line, label: `z ${k}`, data: layerSeries(run.trajectory.z, k, xMax, zs), yAxisID: 'z', borderColor: c, backgroundColor: c, order: 1 });
  });
  both('w', (r) => r.trajectory.w, ws, false);
  datasets.push({ ...line, label: 'loss', data: lossSeries(run, xMax, ls), yAxisID: 'loss', borderColor: THEME.text, backgroundColor: THEME.text, order: 1 });
  if (status !== 'same') {
    datasets.push({ ...line, ...dashed, label: 'unit-gain loss', data: lossSeries(baseline, xMax, ls), yAxisID: 'loss', borderColor: THEME.muted, backgroundColor: THEME.muted, pointRadius: 0 });
  }

  const unitW = fmt(baseline.params.w[0]!);
  const subtitle = [paramsLine(run.params), layerRange(layers, run.params.depth), xMax < run.params.steps ? `showing steps 0–${xMax}` : '']
    .filter((x) => x !== '')
    .join('  ·  ');
  const header = headerBlock('What the gradient did', subtitle, { text: v.badge, colour });
  const marker = chartMarker(run);
  const footer = footerLines(run, baseline, status);
  const headerH = CARD.pad + 4 + header.height + 22;
  const footerH = CARD.pad + footer.length * FOOTER_STYLE.size * LINE + 14;
  const bands = saturatedBands(run.params.act, zs);
  const panels = ['grad', 'z', 'w', 'loss'] as const;

  const frame: Plugin<'line'> = {
    id: 'gradbotFrame',
    beforeDraw(chart) {
      const ctx = chart.ctx as unknown as NodeCtx;
      drawFrame(ctx, chart.width, chart.height, colour);
      const { left, right } = chart.chartArea;
      ctx.fillStyle = THEME.panelSoft;
      for (const id of panels) {
        const sc = chart.scales[id];
        if (sc) ctx.fillRect(left, sc.top, right - left, sc.bottom - sc.top);
      }
    },
    beforeDatasetsDraw(chart) {
      const ctx = chart.ctx as unknown as NodeCtx;
      const { left, right } = chart.chartArea;
      // The x grid runs through the whole chart area; the gaps between the panels stay clear.
      for (const id of ['gap1', 'gap2', 'gap3']) {
        const g = chart.scales[id];
        if (!g) continue;
        ctx.fillStyle = THEME.bg;
        ctx.fillRect(left - 2, g.top + 1, right - left + 4, g.bottom - g.top - 2);
      }
      drawBands(ctx, chart, bands);
    },
    afterDraw(chart) {
      const ctx = chart.ctx as unknown as NodeCtx;
      header.draw(ctx, CARD.pad + 4);
      drawFooter(ctx, chart, footer);
    },
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx as unknown as NodeCtx;
      drawBandLabel(ctx, chart, bands, run.params.act);
      drawPeak(ctx, chart, run, status === 'same' ? null : baseline);
      if (marker !== null && marker.step <= xMax) drawMarker(chart, marker.step, marker.text, marker.kind === 'overflow' ? THEME.bad : THEME.warn);
    },
  };

  const legendItem = (text: string, c: string, dash?: number[]) => ({
    text,
    strokeStyle: c,
    fillStyle: c,
    lineWidth: 5,
    ...(dash ? { lineDash: dash } : {}),
    pointStyle: 'line' as const,
    fontColor: THEME.text,
    hidden: false,
  });
  const gap = (id: string) => ({
    [id]: {
      type: 'linear' as const,
      position: 'left' as const,
      stack: 'panels',
      stackWeight: 0.32,
      display: true,
      ticks: { display: false },
      grid: { display: false, drawTicks: false },
      border: { display: false },
      title: { display: false },
      afterFit: (scale: Scale) => {
        scale.width = AXIS_WIDTH;
      },
    },
  });

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
              ...layers.map((k, i) => legendItem(`layer ${k}`, LAYER_COLOURS[i % LAYER_COLOURS.length]!)),
              legendItem('loss', THEME.text),
              ...(status === 'same' ? [] : [legendItem(`unit-gain start (w = ${unitW})`, THEME.muted, [10, 7])]),
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
        // Listed bottom to top: the stack puts the first at the bottom.
        loss: scaleOptions(ls, 'loss', 1.1),
        ...gap('gap1'),
        w: scaleOptions(ws, 'weight', 1.5),
        ...gap('gap2'),
        z: scaleOptions(zs, 'z', 1.5),
        ...gap('gap3'),
        grad: scaleOptions(gs, '|gradient|', 1.5),
      },
    },
  };
}

function bandPixels(chart: Chart<'line'>, bands: ReadonlyArray<[number, number]>): Array<{ top: number; bottom: number }> {
  const sc = chart.scales.z;
  if (!sc) return [];
  return bands.flatMap(([a, b]) => {
    const lo = Math.max(Math.min(a, b), sc.min);
    const hi = Math.min(Math.max(a, b), sc.max);
    return hi > lo ? [{ top: sc.getPixelForValue(hi), bottom: sc.getPixelForValue(lo) }] : [];
  });
}

/** The z panel's shading: where phi' is below the stated share of its peak. */
function drawBands(ctx: NodeCtx, chart: Chart<'line'>, bands: ReadonlyArray<[number, number]>): void {
  const { left, right } = chart.chartArea;
  ctx.save();
  ctx.fillStyle = withAlpha(THEME.warn, 0.16);
  for (const p of bandPixels(chart, bands)) ctx.fillRect(left, p.top, right - left, p.bottom - p.top);
  ctx.restore();
}

/** The band's label, once, over the lines (on a backing so they never hide it). */
function drawBandLabel(ctx: NodeCtx, chart: Chart<'line'>, bands: ReadonlyArray<[number, number]>, act: RunResult['params']['act']): void {
  const band = bandPixels(chart, bands).find((p) => p.bottom - p.top >= 34);
  if (!band) return;
  const right = chart.chartArea.right;
  const text = act === 'relu' ? 'dead: relu′ = 0' : `saturated: ${primeSymbol(act)} < ${SATURATED_SHARE_TEXT} of peak`;
  ctx.save();
  ctx.font = font(24, 'bold');
  const w = ctx.measureText(text).width;
  const y = band.bottom - 10;
  ctx.fillStyle = THEME.bg;
  roundRect(ctx, right - w - 26, y - 24, w + 16, 32, 8);
  ctx.fill();
  ctx.fillStyle = THEME.warn;
  ctx.textAlign = 'right';
  ctx.fillText(text, right - 18, y);
  ctx.restore();
}

/**
 * The step-0 gradient of the layer it is largest in, next to the unit-gain
 * start's in that layer: the explosion, in numbers, at the top right of the
 * gradient panel (on a backing, over whatever lines run there).
 */
function drawPeak(ctx: NodeCtx, chart: Chart<'line'>, run: RunResult, baseline: RunResult | null): void {
  const sc = chart.scales.grad;
  const row = run.trajectory.grad_b[0];
  if (!sc || !row) return;
  let k = 0;
  row.forEach((g, i) => {
    if (Math.abs(g) > Math.abs(row[k]!)) k = i;
  });
  const g = Math.abs(row[k]!);
  if (Number.isNaN(g) || g === 0) return;
  const b = baseline?.trajectory.grad_b[0]?.[k];
  const text = `step 0, layer ${k + 1}: ${fmt(g)}${b === undefined ? '' : `  (unit-gain: ${fmt(Math.abs(b))})`}`;
  const right = chart.chartArea.right;
  ctx.save();
  ctx.font = font(24, 'bold');
  const w = ctx.measureText(text).width;
  const y = sc.top + 34;
  ctx.fillStyle = THEME.bg;
  roundRect(ctx, right - w - 26, y - 24, w + 16, 32, 8);
  ctx.fill();
  ctx.fillStyle = LAYER_COLOURS[k % LAYER_COLOURS.length]!;
  ctx.textAlign = 'right';
  ctx.fillText(text, right - 18, y);
  ctx.restore();
}

function drawMarker(chart: Chart<'line'>, t: number, text: string, colour: string): void {
  const ctx = chart.ctx as unknown as NodeCtx;
  const area = chart.chartArea;
  const x = chart.scales.x!.getPixelForValue(t);
  ctx.save();
  ctx.strokeStyle = colour;
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
  // In the loss panel, clear of the step-0 numbers at the top of the gradient panel.
  const top = (chart.scales.loss?.top ?? area.top) + 12;
  roundRect(ctx, left, top, w, h, h / 2);
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.fillStyle = THEME.bg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, left + w / 2, top + h / 2 + 1);
  ctx.restore();
}

function footerLines(run: RunResult, baseline: RunResult, status: BaselineStatus): Run[][] {
  return wrapText(measureCtx(), chartFooter(run, baseline, status), CONTENT_WIDTH, FOOTER_STYLE);
}

/** The footer: which axes are symmetric-log (the step axis is linear), what the shading and the dashed run are. */
export function chartFooter(run: RunResult, baseline: RunResult, status: BaselineStatus = baselineStatus(run, baseline)): string {
  const sym = activation[run.params.act].symbol.replace("'", '′');
  const edge = saturationEdge(run.params.act);
  const shade = edge === null ? '' : edge.twoSided ? ` Shaded: |z| > ${fmt(Math.round(edge.edge * 100) / 100)}, where ${sym} < ${SATURATED_SHARE_TEXT} of its peak (saturated).` : ' Shaded: z ≤ 0, where relu′ = 0 (dead).';
  const axes = `The gradient, z, weight and loss axes are symmetric-log (×10 per decade, 0 kept apart); the step axis is linear. |gradient| is |dloss/db_k| = |dloss/dz_k|, what reaches layer k.${shade}`;
  const w = fmt(baseline.params.w[0]!);
  const bv = verdictOf(baseline);
  const dashedWhat: Record<BaselineStatus, string> = {
    same: ` This run already starts at the unit-gain weights (every w = ${w} = 1/${sym}(0)), so there is no other run to draw.`,
    healthy: ` Dashed: the same run from a unit-gain start, every w = ${w} = 1/${sym}(0), biases as in this run.`,
    dead: ` Dashed: the same run from a unit-gain start (every w = ${w}), no healthier: its ReLU in layer ${bv.flatLayers[0] ?? 1} is dead at step 0 too.`,
    saturated: ` Dashed: the same run from a unit-gain start (every w = ${w}), no healthier: with these biases its neurons are saturated at step 0 too.`,
    'nothing-to-learn': ` Dashed: the same run from a unit-gain start (every w = ${w}); it starts at loss 0, so it never moves and shows nothing about training.`,
    stuck: ` Dashed: the same run from a unit-gain start (every w = ${w}, biases as in this run); it is not healthy either: ${bv.badge.toLowerCase().replace(' → ', ', then ')}.`,
  };
  return axes + dashedWhat[status];
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

/** What the chart shows, for screen readers: the verdict's own sentences, then the dashed run's ending. */
export function chartAlt(run: RunResult, baseline: RunResult): string {
  const p = run.params;
  const v = verdictOf(run);
  const status = baselineStatus(run, baseline);
  const hl = lastFinite(baseline.trajectory.loss);
  const dashed =
    status === 'same'
      ? ' No dashed run: this run already has the unit-gain weights.'
      : hl === undefined
        ? ''
        : ` Dashed, the same run from a unit-gain start (w=${altNum(baseline.params.w[0]!)}): loss ${altNum(baseline.trajectory.loss[0]!)} to ${altNum(hl)}${status === 'healthy' ? '' : `, itself ${verdictOf(baseline).badge.toLowerCase().replace(' → ', ', then ')}`}.`;
  const story = verdictSentences(run, v, 'unicode').map((x) => altText(x)).join(' ');
  return `Chart of the gradient reaching each layer, each neuron's z, the weights and the loss over ${p.steps} training steps for w=${altNum(p.w[0]!)}, lr=${altNum(p.lr)}, ${p.act}, depth ${p.depth}, on symmetric log scales (${v.badge.toLowerCase().replace(' → ', ', then ')}). ${story}${dashed}`;
}

/** Superscript exponents spelled as ^-218 for screen readers. */
function altText(s: string): string {
  return s.replace(/10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, (_, e: string) => `10^${[...e].map((c) => (c === '⁻' ? '-' : String('⁰¹²³⁴⁵⁶⁷⁸⁹'.indexOf(c)))).join('')}`);
}
