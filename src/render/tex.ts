import { Image, type CanvasRenderingContext2D } from 'canvas';
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import { SVG } from 'mathjax-full/js/output/svg.js';
import { liteAdaptor, type LiteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import type { MathDocument } from 'mathjax-full/js/core/MathDocument.js';
import 'mathjax-full/js/input/tex/base/BaseConfiguration.js';
import 'mathjax-full/js/input/tex/ams/AmsConfiguration.js';
import 'mathjax-full/js/input/tex/color/ColorConfiguration.js';
import { fmt, needsSci, sciParts } from '../format/number.ts';

/**
 * TeX typeset by MathJax into SVG (glyphs as paths, so no font is needed),
 * then rasterised by node-canvas at exactly the size it is drawn.
 */
export interface TexImage {
  image: Image;
  width: number;
  height: number;
  /** Distance from the top of the image to the TeX baseline, px. */
  ascent: number;
}

interface Typeset {
  svg: string;
  /** The viewBox, in MathJax units of 1/1000 em. */
  minY: number;
  w: number;
  h: number;
}

let engine: { adaptor: LiteAdaptor; doc: MathDocument<unknown, unknown, unknown> } | null = null;

function mathjaxEngine() {
  if (engine) return engine;
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const doc = mathjax.document('', {
    InputJax: new TeX({ packages: ['base', 'ams', 'color'] }),
    // Glyph paths inline rather than <defs> + <use>: the same pixels, and librsvg loads each formula ~1 ms faster.
    OutputJax: new SVG({ fontCache: 'none' }),
  }) as MathDocument<unknown, unknown, unknown>;
  engine = { adaptor, doc };
  return engine;
}

const cache = new Map<string, Typeset>();
const CACHE_LIMIT = 256;

function typeset(tex: string): Typeset {
  const hit = cache.get(tex);
  if (hit) return hit;
  const { adaptor, doc } = mathjaxEngine();
  const node = doc.convert(tex, { display: true, em: 16, ex: 8, containerWidth: 100_000 });
  const svg = adaptor.innerHTML(node as Parameters<LiteAdaptor['innerHTML']>[0]);
  if (svg.includes('data-mjx-error') || svg.includes('merror')) throw new Error(`TeX error in ${tex}`);
  const vb = /viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"/.exec(svg);
  if (!vb) throw new Error('MathJax produced no viewBox');
  const t: Typeset = { svg, minY: Number(vb[2]), w: Number(vb[3]), h: Number(vb[4]) };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(tex, t);
  return t;
}

/** Width in px of tex at this font size (px per em), without rasterising it. */
export function texWidth(tex: string, size: number): number {
  return (typeset(tex).w / 1000) * size;
}

/**
 * Rasterised formulas, most recently used last. librsvg parses and draws the
 * SVG when the Image loads, and the same labels and fractions (o_1, w_1,
 * dloss/do_3, the chain rule in symbols) appear on every card; an Image is
 * only ever drawn, never changed, so drawing a kept one gives the same pixels.
 * Bounded by the bitmaps' bytes, since the lines full of numbers rarely repeat.
 */
const images = new Map<string, { img: TexImage; bytes: number }>();
const IMAGES_MAX_BYTES = 4 * 1024 * 1024;
let imageBytes = 0;

export function texImage(tex: string, size: number, colour: string): TexImage {
  const key = `${size}\u0000${colour}\u0000${tex}`;
  const kept = images.get(key);
  if (kept) {
    images.delete(key);
    images.set(key, kept);
    return kept.img;
  }
  const t = typeset(tex);
  const width = (t.w / 1000) * size;
  const height = (t.h / 1000) * size;
  const svg = t.svg
    .replace(/ width="[\d.]+ex" height="[\d.]+ex"/, ` width="${width.toFixed(2)}" height="${height.toFixed(2)}"`)
    .replaceAll('currentColor', colour);
  const image = new Image();
  image.src = Buffer.from(svg);
  const img = { image, width, height, ascent: (-t.minY / 1000) * size };
  const bytes = 4 * Math.ceil(width) * Math.ceil(height);
  if (bytes <= IMAGES_MAX_BYTES / 4) {
    images.set(key, { img, bytes });
    imageBytes += bytes;
    for (const [k, e] of images) {
      if (imageBytes <= IMAGES_MAX_BYTES) break;
      images.delete(k);
      imageBytes -= e.bytes;
    }
  }
  return img;
}

/**
 * Draws a formula with its top-left corner near (x, y). At its own size it is
 * copied pixel for pixel to the nearest whole pixel: the bitmap librsvg drew
 * is whole pixels wide, and stretching it by a fraction of a pixel to the
 * exact typeset width blurred it and cost a resampling pass per formula.
 * Shrunk to fit (maxWidth), it is scaled.
 */
export function drawTex(ctx: CanvasRenderingContext2D, img: TexImage, x: number, y: number, maxWidth = Infinity): void {
  if (img.width <= maxWidth) {
    ctx.drawImage(img.image, Math.round(x + (img.width - img.image.width) / 2), Math.round(y + (img.height - img.image.height) / 2));
    return;
  }
  const h = (img.height * maxWidth) / img.width;
  ctx.drawImage(img.image, x, y + (img.height - h) / 2, maxWidth, h);
}

/**
 * The first of the variants (longest first) that fits maxWidth at size; the
 * last one is shrunk to fit, but never below minSize.
 */
export function fitTex(variants: readonly string[], size: number, maxWidth: number, minSize: number): { tex: string; size: number } {
  for (const tex of variants) if (texWidth(tex, size) <= maxWidth) return { tex, size };
  const tex = variants[variants.length - 1]!;
  return { tex, size: Math.max(minSize, (size * maxWidth) / texWidth(tex, size)) };
}

/** A number in TeX, written for people like fmt(): 93{,}750{,}000, 7.1\times10^{-218}, \infty. */
export function texNum(v: number): string {
  if (Number.isNaN(v)) return '\\text{NaN}';
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : '-\\infty';
  if (needsSci(v)) {
    const { mantissa, exponent } = sciParts(v);
    return `${mantissa.replace('−', '-')}\\times 10^{${exponent}}`;
  }
  return fmt(v).replace('−', '-').replaceAll(',', '{,}');
}

/** texNum in parentheses when negative, for a product or a difference. */
export function texNumP(v: number): string {
  const t = texNum(v);
  return v < 0 || (v === -Infinity) ? `\\left(${t}\\right)` : t;
}

/** A factor label from the engine ("dloss/do3", "do2/do1", "do1/dw1") as a typeset fraction. */
export function texFactor(label: string): string {
  const m = /^d([a-z]+?)(\d*)\/d([a-z]+?)(\d*)$/.exec(label);
  if (!m) return `\\text{${label}}`;
  const part = (sym: string, sub: string) => (sub === '' ? (sym.length > 1 ? `\\,\\mathrm{${sym}}` : sym) : `${sym}_{${sub}}`);
  return `\\frac{d${part(m[1]!, m[2]!)}}{d${part(m[3]!, m[4]!)}}`;
}
