import { clipText, prefixOf } from '../../format/clip.ts';

/** A line cut into pieces of at most `n` units, each ending on a whole code point. */
function hardChunks(line: string, n: number): string[] {
  if (line.length <= n) return [line];
  const out: string[] = [];
  for (let rest = line; rest.length > 0; ) {
    const piece = prefixOf(rest, n) || rest.slice(0, 2);
    out.push(piece);
    rest = rest.slice(piece.length);
  }
  return out;
}

/**
 * The Reply's markdown-ish text (**bold**, `code`, ``` fences, [links](url),
 * # headings) as Slack mrkdwn. Slack reads `<` as the start of a mention or
 * link, so &, < and > are escaped everywhere, code included: user text can
 * never ping a channel or forge a link.
 */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Converts prose outside code: bold, links, headings. The input is already escaped. */
function convertProse(s: string): string {
  return s
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '*$1*')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, label: string, url: string) => `<${url}|${label.replace(/\|/g, '/')}>`)
    .replace(/^#{1,6}\s+(.+)$/gm, (_m, h: string) => `*${h.replace(/\*/g, '')}*`);
}

/** Converts one line that is not inside a fence; inline `code` is kept verbatim. */
function convertLine(line: string): string {
  const parts = line.split(/(`[^`\n]*`)/);
  return parts.map((p, i) => (i % 2 === 1 ? p : convertProse(p))).join('');
}

export function toMrkdwn(text: string): string {
  let inFence = false;
  return escapeSlack(text)
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) {
        inFence = !inFence;
        return line;
      }
      return inFence ? line : convertLine(line);
    })
    .join('\n');
}

/** Plain text for notifications and fallbacks: the markup dropped, still escaped. */
export function toPlainFallback(text: string, max = 3000): string {
  const plain = escapeSlack(text)
    .replace(/```[a-z]*\n?/g, '')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, '$1 ($2)');
  return clip(plain, max);
}

/** Clips on a code point (never inside a surrogate pair), the ellipsis included in `max`. */
export function clip(s: string, max: number): string {
  return clipText(s, max);
}

/**
 * Splits mrkdwn into pieces of at most `max` characters (a section block
 * holds 3000) at line breaks, closing and reopening a ``` fence that a split
 * falls inside so every piece renders on its own.
 */
export function splitMrkdwn(mrkdwn: string, max = 3000): string[] {
  const FENCE = '```';
  const pieces: string[] = [];
  let current: string[] = [];
  let size = 0;
  let inFence = false;
  const flush = () => {
    if (current.length === 0) return;
    pieces.push(inFence ? `${current.join('\n')}\n${FENCE}` : current.join('\n'));
    current = inFence ? [FENCE] : [];
    size = inFence ? FENCE.length : 0;
  };
  const budget = max - FENCE.length - 1;
  for (const raw of mrkdwn.split('\n')) {
    // A single line longer than a piece is cut hard; rare (a long URL or number list).
    const chunks = hardChunks(raw, budget - FENCE.length - 1);
    for (const line of chunks) {
      if (size + line.length + 1 > budget && current.length > (inFence ? 1 : 0)) flush();
      current.push(line);
      size += line.length + 1;
      if (/^\s*```/.test(line)) inFence = !inFence;
    }
  }
  if (current.length > (inFence ? 1 : 0)) pieces.push(current.join('\n'));
  return pieces.filter((p) => p.trim() !== '');
}
