import { registerFont } from 'canvas';
import { fileURLToPath } from 'node:url';

/**
 * The shipped DejaVu fonts (assets/fonts, Bitstream Vera licence) under names
 * no system font uses, so every machine draws the same pixels whatever it has installed.
 */
export const SANS = 'GradbotSans';
export const MONO = 'GradbotMono';

const FONT_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));

let registered = false;

/** Must run before the first canvas is created, once per thread. */
export function registerFonts(): void {
  if (registered) return;
  registered = true;
  registerFont(`${FONT_DIR}DejaVuSans.ttf`, { family: SANS });
  registerFont(`${FONT_DIR}DejaVuSans-Bold.ttf`, { family: SANS, weight: 'bold' });
  registerFont(`${FONT_DIR}DejaVuSans-Oblique.ttf`, { family: SANS, style: 'italic' });
  registerFont(`${FONT_DIR}DejaVuSansMono.ttf`, { family: MONO });
  registerFont(`${FONT_DIR}DejaVuSansMono-Bold.ttf`, { family: MONO, weight: 'bold' });
}

export type Weight = 'normal' | 'bold';

export function font(size: number, weight: Weight = 'normal', family: string = SANS): string {
  return `${weight === 'bold' ? 'bold ' : ''}${Math.round(size)}px ${family}`;
}
