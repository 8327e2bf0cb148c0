import type { QuizLocation } from '../../bot.ts';

/** Where a quiz was posted: the channel, the thread it sits in, and the quiz message itself. */
export interface SlackQuizLocation {
  channel: string;
  threadTs: string | null;
  ts: string;
}

export function encodeLocation(loc: SlackQuizLocation): QuizLocation {
  return JSON.stringify({ channel: loc.channel, thread_ts: loc.threadTs, ts: loc.ts });
}

/** Null for anything that is not a Slack location (another adapter's, or a damaged row). */
export function decodeLocation(raw: QuizLocation | null): SlackQuizLocation | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { channel?: unknown; thread_ts?: unknown; ts?: unknown };
    if (typeof v.channel !== 'string' || typeof v.ts !== 'string') return null;
    return { channel: v.channel, threadTs: typeof v.thread_ts === 'string' ? v.thread_ts : null, ts: v.ts };
  } catch {
    return null;
  }
}
