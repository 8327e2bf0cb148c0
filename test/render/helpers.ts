import { PNG } from 'pngjs';
import { parseExplode } from '../../src/params/index.ts';
import type { RunSpec } from '../../src/engine/index.ts';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A RunSpec from the explode language, as a user would type it. */
export function spec(text: string): RunSpec {
  const parsed = parseExplode({ text });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.spec;
}

export function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

/** Share of pixels that differ from the top-left corner's colour by more than a little. */
export function inkShare(png: Buffer): number {
  const img = decode(png);
  const d = img.data;
  // Sample the background a little inside the frame (the frame's border and accent strip differ).
  const o = (20 * img.width + 20) * 4;
  const [r, g, b] = [d[o]!, d[o + 1]!, d[o + 2]!];
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) > 48) ink++;
  }
  return ink / (img.width * img.height);
}

/** Every pixel fully opaque: chat clients would otherwise show their own theme through the card. */
export function isOpaque(png: Buffer): boolean {
  const d = decode(png).data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return false;
  return true;
}
