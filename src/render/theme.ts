import type { Verdict, VerdictKind } from '../engine/index.ts';

/**
 * One dark slate card for every picture: opaque, distinct from Discord's dark
 * grey (#313338) and from white Slack and Discord light themes alike.
 */
export const THEME = {
  bg: '#0f172a',
  panel: '#1e293b',
  panelSoft: '#172033',
  border: '#334155',
  grid: '#273449',
  text: '#f1f5f9',
  muted: '#a3b1c6',
  faint: '#7c8aa0',
  accent: '#38bdf8',
  good: '#34d399',
  warn: '#fbbf24',
  bad: '#f87171',
} as const;

export const VERDICT_COLOUR: Record<VerdictKind, string> = {
  healthy: '#34d399',
  exploding: '#fb923c',
  diverged: '#f87171',
  saturated: '#fbbf24',
  vanishing: '#60a5fa',
};

/**
 * The badge's colour: the verdict's, but the healthy green only under a HEALTHY
 * badge: amber for a run that froze at a positive loss or whose target is out of
 * reach, blue for one with nothing to learn or that merely holds steady.
 */
export function verdictColour(v: Verdict): string {
  if (v.kind !== 'healthy' || v.badge === 'HEALTHY') return VERDICT_COLOUR[v.kind];
  return v.badge.includes('FROZEN') || v.target.kind === 'unreachable' ? VERDICT_COLOUR.saturated : THEME.accent;
}

/** Layer lines in the chart: distinct on the dark card, in the order layers are drawn. */
export const LAYER_COLOURS = ['#60a5fa', '#fb923c', '#34d399', '#f472b6', '#a78bfa', '#facc15', '#2dd4bf', '#f87171'] as const;

/** Card geometry at 1200 px wide: phones show it about 400 px wide, so body text is never under 26 px. */
export const CARD = {
  width: 1200,
  pad: 56,
  title: 48,
  body: 32,
  small: 28,
} as const;

/** Drawing sizes are in px at 1200 wide; CARD.width - 2 * pad is the usable width. */
export const CONTENT_WIDTH = CARD.width - 2 * CARD.pad;
