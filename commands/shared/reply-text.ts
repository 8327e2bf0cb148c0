import type { z } from 'zod';
import { parseParams, type ParamInput } from '../../src/params/index.ts';
import { privateText, type Reply } from '../../src/reply.ts';
import { clipText as clipCodePoints } from '../../src/format/clip.ts';

/** Discord's message limit is 2,000 characters; replies stay well under it. */
export const MAX_REPLY_TEXT = 1500;

/** Clipped on a code point, never inside a surrogate pair (an emoji cut in half shows as a box). */
export function clipText(s: string, max = MAX_REPLY_TEXT): string {
  return clipCodePoints(s, max);
}

/**
 * A display name safe to put in markdown-ish text on every platform: no
 * formatting characters, no mentions (@everyone), no line breaks, at most 40 characters.
 */
export function safeName(name: string): string {
  const plain = name
    .normalize('NFKC')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[*_~`|<>\\[\]]/g, '')
    .replace(/@/g, '＠')
    .replace(/\s+/g, ' ')
    .trim();
  const clipped = clipCodePoints(plain, 40);
  return clipped || 'someone';
}

/** Parses a command's options with its schema; an error becomes the private reply naming the key. */
export function parseOptions<S extends z.ZodObject>(schema: S, input: ParamInput): { ok: true; values: z.infer<S> } | { ok: false; reply: Reply } {
  const r = parseParams(schema, input);
  return r.ok ? { ok: true, values: r.value.values } : { ok: false, reply: privateText(r.message) };
}

export const minutesText = (m: number): string => (m === 1 ? '1 minute' : `${Number.isInteger(m) ? m : m.toFixed(1)} minutes`);
