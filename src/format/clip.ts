/**
 * Clipping that never splits a character: JavaScript strings count UTF-16
 * units, and an emoji or any character past U+FFFF is two of them (a
 * surrogate pair). Cutting between the two leaves a lone surrogate, which
 * Discord and Slack show as a replacement box or refuse outright. Lengths
 * here are UTF-16 units, so a clipped string fits a platform limit however
 * that platform counts (units or code points).
 */

/** The longest prefix of `s` of at most `n` UTF-16 units that ends on a whole code point. */
export function prefixOf(s: string, n: number): string {
  if (n <= 0) return '';
  if (s.length <= n) return s;
  const last = s.charCodeAt(n - 1);
  // A high surrogate at the cut: its low half is beyond it, so leave both out.
  return last >= 0xd800 && last <= 0xdbff ? s.slice(0, n - 1) : s.slice(0, n);
}

/** `s` whole when it fits in `max` units, else cut on a code point with an ellipsis, the whole at most `max` units. */
export function clipText(s: string, max: number, ellipsis = '…'): string {
  if (s.length <= max) return s;
  return `${prefixOf(s, max - ellipsis.length)}${ellipsis}`;
}
