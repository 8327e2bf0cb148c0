import { prefixOf } from '../format/clip.ts';
import type { CanvasRenderingContext2D } from 'canvas';
import { font, type Weight } from './fonts.ts';

/**
 * Text with real superscripts. fmt() writes 7.1 × 10⁻²¹⁸ with Unicode
 * superscript digits; on a card the exponent is drawn as a raised, smaller run instead.
 */
export interface Run {
  text: string;
  sup?: boolean;
  colour?: string;
  weight?: Weight;
}

export interface TextStyle {
  size: number;
  colour: string;
  weight?: Weight;
}

const FROM_SUPERSCRIPT: Record<string, string> = {
  '⁻': '−', '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9',
};

const SUP_SCALE = 0.7;
const SUP_RAISE = 0.42;

/** Splits a string at its Unicode superscript runs, which become sup runs of ordinary digits. */
export function richRuns(s: string, base: Omit<Run, 'text' | 'sup'> = {}): Run[] {
  const out: Run[] = [];
  for (const part of s.split(/([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/u)) {
    if (part === '') continue;
    const sup = FROM_SUPERSCRIPT[part[0]!] !== undefined;
    out.push({ ...base, text: sup ? [...part].map((c) => FROM_SUPERSCRIPT[c] ?? c).join('') : part, sup });
  }
  return out;
}

function runFont(r: Run, st: TextStyle): string {
  return font(r.sup ? st.size * SUP_SCALE : st.size, r.weight ?? st.weight ?? 'normal');
}

/**
 * Widths by font and text. Every measureText lays the string out again in
 * Pango, and cards measure the same words on every render (wrapping,
 * ellipsizing, advancing after each run). A width depends only on the font
 * and the text, the same on every canvas, so one table serves this thread.
 */
const widths = new Map<string, number>();
const WIDTHS_MAX = 20_000;

/** The advance of text in this font (a font() string); sets ctx.font only to measure something new. */
export function advance(ctx: CanvasRenderingContext2D, fontSpec: string, text: string): number {
  const key = `${fontSpec}\u0000${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    ctx.font = fontSpec;
    w = ctx.measureText(text).width;
    if (widths.size >= WIDTHS_MAX) widths.clear();
    widths.set(key, w);
  }
  return w;
}

export function measureRuns(ctx: CanvasRenderingContext2D, runs: readonly Run[], st: TextStyle): number {
  let w = 0;
  for (const r of runs) w += advance(ctx, runFont(r, st), r.text);
  return w;
}

/** Draws runs on a common alphabetic baseline starting at x; returns the x where it ended. */
export function drawRuns(ctx: CanvasRenderingContext2D, runs: readonly Run[], x: number, baseline: number, st: TextStyle): number {
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  for (const r of runs) {
    const f = runFont(r, st);
    ctx.font = f;
    ctx.fillStyle = r.colour ?? st.colour;
    ctx.fillText(r.text, x, r.sup ? baseline - st.size * SUP_RAISE : baseline);
    x += advance(ctx, f, r.text);
  }
  return x;
}

export function drawText(ctx: CanvasRenderingContext2D, s: string, x: number, baseline: number, st: TextStyle, align: 'left' | 'right' | 'center' = 'left'): number {
  const runs = richRuns(s);
  const w = measureRuns(ctx, runs, st);
  const x0 = align === 'left' ? x : align === 'right' ? x - w : x - w / 2;
  return drawRuns(ctx, runs, x0, baseline, st);
}

/** Splits runs into words (keeping a superscript glued to its base) and wraps them greedily. */
export function wrapRuns(ctx: CanvasRenderingContext2D, runs: readonly Run[], maxWidth: number, st: TextStyle): Run[][] {
  const words: Run[][] = [];
  let current: Run[] = [];
  for (const r of runs) {
    // A number like 7.1 × 10⁻²¹⁸ never breaks across lines.
    const pieces = r.text.replace(/ × /g, '\u00a0×\u00a0').split(/( +)/);
    for (const p of pieces) {
      if (p === '') continue;
      if (/^ +$/.test(p)) {
        if (current.length > 0) words.push(current);
        current = [];
      } else current.push({ ...r, text: p });
    }
  }
  if (current.length > 0) words.push(current);
  const lines: Run[][] = [];
  let line: Run[] = [];
  const space = advance(ctx, font(st.size, st.weight ?? 'normal'), ' ');
  let width = 0;
  for (const w of words) {
    const ww = measureRuns(ctx, w, st);
    if (line.length > 0 && width + space + ww > maxWidth) {
      lines.push(line);
      line = [];
      width = 0;
    }
    if (line.length > 0) {
      line.push({ text: ' ' });
      width += space;
    }
    line.push(...w);
    width += ww;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

export function wrapText(ctx: CanvasRenderingContext2D, s: string, maxWidth: number, st: TextStyle): Run[][] {
  return wrapRuns(ctx, richRuns(s), maxWidth, st);
}

/** Cuts a single line to fit, ending it with an ellipsis. */
export function ellipsize(ctx: CanvasRenderingContext2D, s: string, maxWidth: number, st: TextStyle): string {
  if (measureRuns(ctx, richRuns(s), st) <= maxWidth) return s;
  let t = s;
  while (t.length > 1 && measureRuns(ctx, richRuns(`${t}…`), st) > maxWidth) t = prefixOf(t, t.length - 1);
  return `${t.trimEnd()}…`;
}
