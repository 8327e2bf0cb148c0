import type { Gradbot } from '../../bot.ts';
import type { Logger } from '../../log.ts';
import type { TenancyStore } from '../../store/tenancy.ts';
import type { KeyedBuckets } from '../pacing/bucket.ts';

/** What the interaction handlers share. */
export interface AdapterContext {
  bot: Gradbot;
  log: Logger;
  /** TAs named with /ta; without it only Manage Messages makes a TA. */
  tenancy?: TenancyStore | undefined;
  /**
   * Thread creation per channel, paced as Discord limits it (about 5 per 5 s):
   * when a channel has no thread left right now, the quiz rides on a follow-up
   * to the reply (limited per interaction token, not per channel) instead of
   * waiting a minute for a thread. Null: always a thread, as before pacing.
   */
  threads?: KeyedBuckets | null;
}

/** Said in chat whenever something on our side fails; details go to the log, never to the channel. */
export const SORRY = 'Sorry, something went wrong on my side. Please try again in a moment; if it keeps happening, tell your TA.';

/** Where a quiz was posted, as setQuizLocation stores it. */
export interface DiscordQuizLocation {
  channelId: string;
  messageId: string;
}

export function encodeLocation(loc: DiscordQuizLocation): string {
  return JSON.stringify(loc);
}

export function decodeLocation(s: string | null): DiscordQuizLocation | null {
  if (!s) return null;
  try {
    const v: unknown = JSON.parse(s);
    if (typeof v === 'object' && v !== null && 'channelId' in v && 'messageId' in v && typeof v.channelId === 'string' && typeof v.messageId === 'string') {
      return { channelId: v.channelId, messageId: v.messageId };
    }
  } catch {
    // Not ours (another platform's location); nothing to do.
  }
  return null;
}
