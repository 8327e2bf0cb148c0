import { Canvas, createCanvas, type CanvasRenderingContext2D } from 'canvas';
import { font, registerFonts } from './fonts.ts';
import { drawRuns, drawText, measureRuns, richRuns, wrapText, type TextStyle } from './text.ts';
import { CARD, CONTENT_WIDTH, THEME } from './theme.ts';

/** A horizontal band of a card: measured first, so the canvas can be cut to the content's height. */
export interface Block {
  height: number;
  /** Space below this block; the card's default gap when absent. */
  gapAfter?: number;
  draw(ctx: CanvasRenderingContext2D, top: number): void;
}

let scratch: CanvasRenderingContext2D | null = null;

/** A context for measuring text before the real canvas exists. */
export function measureCtx(): CanvasRenderingContext2D {
  registerFonts();
  scratch ??= createCanvas(8, 8).getContext('2d');
  return scratch;
}

export function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  const rr = Math.min(r, w / 2, h / 2);
  ctx.beginPath();
  ctx.moveTo(x + rr, y);
  ctx.arcTo(x + w, y, x + w, y + h, rr);
  ctx.arcTo(x + w, y + h, x, y + h, rr);
  ctx.arcTo(x, y + h, x, y, rr);
  ctx.arcTo(x, y, x + w, y, rr);
  ctx.closePath();
}

/** The opaque card: slate background, a hairline border and a strip in the verdict's colour. */
export function drawFrame(ctx: CanvasRenderingContext2D, width: number, height: number, accent: string): void {
  ctx.fillStyle = THEME.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = accent;
  ctx.fillRect(0, 0, width, 10);
  ctx.strokeStyle = THEME.border;
  ctx.lineWidth = 2;
  ctx.strokeRect(1, 1, width - 2, height - 2);
}

/**
 * A canvas for a card or chart. No alpha channel: the pictures are opaque by
 * construction, and RGB encodes faster. Text as glyphs, not paths: cairo
 * draws cached glyph bitmaps instead of filling every outline, about six
 * times faster per word; the letters differ only in their antialiasing
 * (under 0.1% of a picture's pixels), at whole-pixel positions, which at
 * these sizes nobody can see.
 */
export function opaqueCanvas(width: number, height: number): Canvas {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d', { pixelFormat: 'RGB24' });
  ctx.textDrawingMode = 'glyph';
  return canvas;
}

/**
 * Canvases kept for the next picture of the same size, most recently used
 * last. A fresh card is 7-8 MB of pixels, and allocating them costs more
 * than drawing a formula (several ms on a VM: every page faulted in anew).
 * A canvas is lent for one picture and comes back once its PNG is encoded;
 * every picture paints all of its pixels first (drawFrame), and the context
 * is restored to its default state, so a kept canvas draws the same pixels.
 */
const spare = new Map<string, Canvas>();
const SPARE_MAX = 3;

export function withCanvas<T>(width: number, height: number, use: (canvas: Canvas) => T): T {
  const key = `${width}x${height}`;
  const kept = spare.get(key);
  if (kept) spare.delete(key);
  const canvas = kept ?? opaqueCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.save();
  ctx.beginPath();
  try {
    return use(canvas);
  } finally {
    ctx.restore();
    spare.set(key, canvas);
    for (const k of spare.keys()) {
      if (spare.size <= SPARE_MAX) break;
      spare.delete(k);
    }
  }
}

function cardHeight(blocks: readonly Block[], gap: number): number {
  const gaps = blocks.slice(0, -1).reduce((h, b) => h + (b.gapAfter ?? gap), 0);
  return Math.ceil(CARD.pad + 4 + blocks.reduce((h, b) => h + b.height, 0) + gaps + CARD.pad);
}

function drawCard(canvas: Canvas, blocks: readonly Block[], accent: string, gap: number): void {
  const ctx = canvas.getContext('2d');
  drawFrame(ctx, canvas.width, canvas.height, accent);
  let y = CARD.pad + 4;
  for (const b of blocks) {
    b.draw(ctx, y);
    y += b.height + (b.gapAfter ?? gap);
  }
}

/** Stacks blocks top to bottom with gap between them; returns the finished canvas (a new one, the caller's to keep). */
export function composeCard(blocks: readonly Block[], accent: string, gap = 34): Canvas {
  registerFonts();
  const canvas = opaqueCanvas(CARD.width, cardHeight(blocks, gap));
  drawCard(canvas, blocks, accent, gap);
  return canvas;
}

/** composeCard, encoded: the PNG of the card, drawn on a kept canvas. */
export function cardPng(blocks: readonly Block[], accent: string, gap = 34): Buffer {
  registerFonts();
  return withCanvas(CARD.width, cardHeight(blocks, gap), (canvas) => {
    drawCard(canvas, blocks, accent, gap);
    return encodePng(canvas);
  });
}

/**
 * PNG bytes of a card or chart. Flat colours compress best unfiltered, and
 * encoding is then about twice as fast as with libpng's adaptive filters.
 * zlib level 3 (its fast deflate) takes about 40% of level 6's time for
 * files 15-30% larger (~270 KB + ~140 KB for /explode): the time is what a
 * class waits for, the bytes are nothing to Discord or Slack.
 */
export function encodePng(canvas: Canvas): Buffer {
  return canvas.toBuffer('image/png', { compressionLevel: 3, filters: Canvas.PNG_FILTER_NONE });
}

/** A pill with bold text, e.g. the verdict; returns its width. */
export function drawPill(ctx: CanvasRenderingContext2D, text: string, right: number, top: number, colour: string, size = 26): number {
  ctx.font = font(size, 'bold');
  const w = ctx.measureText(text).width + size * 1.3;
  const h = size * 1.7;
  roundRect(ctx, right - w, top, w, h, h / 2);
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.fillStyle = THEME.bg;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  ctx.fillText(text, right - w / 2, top + h / 2 + 1);
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  return w;
}

/** Title, a subtitle and the verdict pill on the right; a long title shrinks rather than run under the pill. */
export function headerBlock(title: string, subtitle: string, pill: { text: string; colour: string } | null): Block {
  const m = measureCtx();
  const sub: TextStyle = { size: CARD.small, colour: THEME.muted };
  const lines = wrapText(m, subtitle, CONTENT_WIDTH, sub);
  const lineH = CARD.small * 1.35;
  m.font = font(26, 'bold');
  const pillW = pill ? m.measureText(pill.text).width + 26 * 1.3 + 24 : 0;
  let size: number = CARD.title;
  m.font = font(size, 'bold');
  while (size > CARD.body && m.measureText(title).width > CONTENT_WIDTH - pillW) {
    size -= 2;
    m.font = font(size, 'bold');
  }
  return {
    height: CARD.title * 1.2 + 12 + lines.length * lineH,
    draw(ctx, top) {
      const x = CARD.pad;
      ctx.font = font(size, 'bold');
      ctx.fillStyle = THEME.text;
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(title, x, top + CARD.title * 0.95);
      if (pill) drawPill(ctx, pill.text, CARD.width - CARD.pad, top + 2, pill.colour);
      let y = top + CARD.title * 1.2 + 12 + CARD.small;
      for (const l of lines) {
        drawRuns(ctx, l, x, y, sub);
        y += lineH;
      }
    },
  };
}

/** A small heading above a section. */
export function sectionBlock(text: string): Block {
  return {
    height: CARD.small * 1.1,
    gapAfter: 16,
    draw(ctx, top) {
      drawText(ctx, text, CARD.pad, top + CARD.small * 0.9, { size: CARD.small, colour: THEME.accent, weight: 'bold' });
    },
  };
}

/** A tinted panel with a coloured bar on the left: the headline and the callouts. */
export function noteBlock(opts: { title?: string; body: string; colour: string; size?: number }): Block {
  const m = measureCtx();
  const size = opts.size ?? CARD.body;
  const inner = CONTENT_WIDTH - 36 - 24;
  const bodyStyle: TextStyle = { size, colour: THEME.text };
  const titleStyle: TextStyle = { size, colour: opts.colour, weight: 'bold' };
  const titleLines = opts.title ? wrapText(m, opts.title, inner, titleStyle) : [];
  const lines = wrapText(m, opts.body, inner, bodyStyle);
  const lineH = size * 1.38;
  const padY = 20;
  const height = padY * 2 + (titleLines.length + lines.length) * lineH - (lineH - size * 1.05);
  return {
    height,
    draw(ctx, top) {
      roundRect(ctx, CARD.pad, top, CONTENT_WIDTH, height, 14);
      ctx.fillStyle = THEME.panel;
      ctx.fill();
      roundRect(ctx, CARD.pad, top, 8, height, 4);
      ctx.fillStyle = opts.colour;
      ctx.fill();
      let y = top + padY + size * 0.9;
      for (const l of titleLines) {
        drawRuns(ctx, l, CARD.pad + 36, y, titleStyle);
        y += lineH;
      }
      for (const l of lines) {
        drawRuns(ctx, l, CARD.pad + 36, y, bodyStyle);
        y += lineH;
      }
    },
  };
}

export function textWidth(ctx: CanvasRenderingContext2D, s: string, st: TextStyle): number {
  return measureRuns(ctx, richRuns(s), st);
}

/** A muted line or two of small text under a panel. */
export function captionBlock(text: string): Block {
  const m = measureCtx();
  const st: TextStyle = { size: CARD.small - 2, colour: THEME.muted };
  const lines = wrapText(m, text, CONTENT_WIDTH, st);
  const lineH = st.size * 1.35;
  return {
    height: lines.length * lineH,
    draw(ctx, top) {
      let y = top + st.size;
      for (const l of lines) {
        drawRuns(ctx, l, CARD.pad, y, st);
        y += lineH;
      }
    },
  };
}
