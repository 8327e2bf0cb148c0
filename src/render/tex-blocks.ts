import type { CanvasRenderingContext2D } from 'canvas';
import { roundRect, type Block } from './card.ts';
import { drawText, type TextStyle } from './text.ts';
import { drawTex, fitTex, texImage } from './tex.ts';
import { CARD, CONTENT_WIDTH, THEME } from './theme.ts';

/** One typeset line: the longest variant that fits, else the last one shrunk (never below minSize). */
export interface TexLine {
  variants: readonly string[];
  size: number;
  minSize?: number;
  colour?: string;
  /** A caption drawn to the left of the formula, e.g. "step 1". */
  caption?: string;
}

interface Placed {
  draw(ctx: CanvasRenderingContext2D, x: number, top: number): void;
  height: number;
}

const CAPTION: TextStyle = { size: CARD.small, colour: THEME.muted, weight: 'bold' };

function place(line: TexLine, maxWidth: number): Placed {
  const fit = fitTex(line.variants, line.size, maxWidth, line.minSize ?? line.size * 0.6);
  const img = texImage(fit.tex, fit.size, line.colour ?? THEME.text);
  return {
    height: img.height,
    draw(ctx, x, top) {
      drawTex(ctx, img, x, top);
    },
  };
}

/** Typeset lines, left-aligned at the card's margin (or inside a panel). */
export function texBlock(lines: readonly TexLine[], opts: { panel?: boolean; captionWidth?: number; lineGap?: number } = {}): Block {
  const padX = opts.panel ? 32 : 0;
  const padY = opts.panel ? 26 : 0;
  const captionWidth = opts.captionWidth ?? 0;
  const lineGap = opts.lineGap ?? 18;
  const placed = lines.map((l) => place(l, CONTENT_WIDTH - 2 * padX - captionWidth));
  const height = placed.reduce((h, p) => h + p.height, 0) + lineGap * Math.max(0, placed.length - 1) + 2 * padY;
  return {
    height,
    draw(ctx, top) {
      if (opts.panel) {
        roundRect(ctx, CARD.pad, top, CONTENT_WIDTH, height, 16);
        ctx.fillStyle = THEME.panel;
        ctx.fill();
      }
      let y = top + padY;
      placed.forEach((p, i) => {
        const caption = lines[i]!.caption;
        if (caption) drawText(ctx, caption, CARD.pad + padX, y + p.height / 2 + CAPTION.size * 0.35, CAPTION);
        p.draw(ctx, CARD.pad + padX + captionWidth, y);
        y += p.height + lineGap;
      });
    },
  };
}
