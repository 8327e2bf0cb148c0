import type { webApi } from '@slack/bolt';
import { PacedLanes } from '../pacing/lanes.ts';
import type { BucketRule } from '../pacing/bucket.ts';

import type { Block } from './blocks.ts';

type WebClient = webApi.WebClient;

/**
 * Slack's pacing, kept in the adapter. chat.postMessage is paced per channel
 * at about one a second with a small burst (Slack's documented rule), so a
 * class's replies are not refused in the first place; every other Web API
 * call goes out at once and, when Slack does answer 429, waits exactly the
 * Retry-After it was given (the client is built with rejectRateLimitedCalls,
 * so its own exponential backoff never stacks on top) and tries again.
 */
/** A little under the documented rate: requests reach Slack with varying delay, and two a hair closer than 1 s apart would be refused. */
export const SLACK_POST_RULE: BucketRule = { ratePerSec: 0.95, burst: 3 };

/** One channel message to send: alone, or merged with others waiting in the same channel. */
export interface ChannelPost {
  channel: string;
  text: string;
  blocks: Block[];
  /** The blocks this post carries when it shares a message (its quiz included); `blocks` otherwise. */
  mergedBlocks?: Block[];
  threadTs?: string | undefined;
  /** May share one message with other mergeable posts waiting in the same channel. */
  mergeable: boolean;
  /** Filled in once sent: the message's ts, and whether it carried other posts too. */
  sent?: { ts: string; merged: number };
}

/** The Retry-After (ms) of a Web API rate-limit error, or null for anything else. */
export function slackRetryAfterMs(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; retryAfter?: unknown };
  if (e.code !== 'slack_webapi_rate_limited_error') return null;
  const s = typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter) ? e.retryAfter : 1;
  return Math.max(0, s) * 1000;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Several posts as one message: each post's own blocks, a divider between. */
export function mergePosts(posts: readonly ChannelPost[]): { text: string; blocks: Block[] } {
  const blocks = posts.flatMap((p, i) => [...(i > 0 ? [{ type: 'divider' } as Block] : []), ...(p.mergedBlocks ?? p.blocks)]);
  return { text: `${posts.length} classmates' answers`, blocks };
}

/** Blocks and characters one merged message may carry (Slack: 50 blocks; its total text limit is undocumented, so we keep well under). */
const MERGE_BLOCKS = 50;
const MERGE_CHARS = 12_000;
export const MERGE_MAX = 8;

export interface PacedOptions {
  rule?: BucketRule;
  /** Called on every 429 Slack answers, for logs and the bench. */
  onRateLimited?: (method: string, ms: number) => void;
  /** Several posts as one message's text and blocks (default mergePosts). */
  merge?: (posts: readonly ChannelPost[]) => { text: string; blocks: Block[] };
}

export class PacedSlack {
  private readonly lanes: PacedLanes<ChannelPost>;
  /** Per method: no call before this (a Retry-After still running). */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly client: WebClient,
    private readonly opts: PacedOptions,
  ) {
    this.lanes = new PacedLanes<ChannelPost>({
      rule: opts.rule ?? SLACK_POST_RULE,
      takeBatch: takeMergeable,
      retryAfterMs: slackRetryAfterMs,
      onRateLimited: (_key, ms) => opts.onRateLimited?.('chat.postMessage', ms),
      send: async (_channel, batch) => {
        const head = batch[0]!;
        const body = batch.length === 1 ? { text: head.text, blocks: head.blocks } : (this.opts.merge ?? mergePosts)(batch);
        const res = await this.client.chat.postMessage({
          channel: head.channel,
          ...body,
          unfurl_links: false,
          unfurl_media: false,
          ...(head.threadTs ? { thread_ts: head.threadTs } : {}),
        });
        if (!res.ts) throw new Error('chat.postMessage returned no ts');
        for (const p of batch) p.sent = { ts: res.ts, merged: batch.length };
      },
    });
  }

  /** Work accepted for a channel (still rendering): how many are ahead of it and about how long it waits. */
  expect(channel: string): { ahead: number; waitMs: number } {
    return this.lanes.expect(channel);
  }

  cancel(channel: string): void {
    this.lanes.cancel(channel);
  }

  /** Posts in the channel's turn; resolves once sent, with where it went. */
  async post(post: ChannelPost, fromExpected = false): Promise<{ ts: string; merged: number }> {
    await this.lanes.push(post.channel, post, fromExpected);
    if (!post.sent) throw new Error('posted without a ts');
    return post.sent;
  }

  /** Any other Web API call: at once, and on a 429 again after exactly its Retry-After (at most 8 times). */
  async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    for (let refused = 0; ; refused += 1) {
      const wait = (this.held.get(method) ?? 0) - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await fn();
      } catch (err) {
        const after = slackRetryAfterMs(err);
        if (after === null || refused >= 8) throw err;
        this.opts.onRateLimited?.(method, after);
        this.held.set(method, Math.max(this.held.get(method) ?? 0, Date.now() + after));
      }
    }
  }
}

function size(p: ChannelPost): { blocks: number; chars: number } {
  const b = p.mergedBlocks ?? p.blocks;
  return { blocks: b.length + 1, chars: JSON.stringify(b).length };
}

/** The head alone, or the run of mergeable posts at the head that fits one message. */
function takeMergeable(waiting: readonly ChannelPost[]): number {
  const head = waiting[0];
  if (!head?.mergeable) return 1;
  let blocks = 0;
  let chars = 0;
  let n = 0;
  for (const p of waiting) {
    if (!p.mergeable || n === MERGE_MAX) break;
    const s = size(p);
    if (n > 0 && (blocks + s.blocks > MERGE_BLOCKS || chars + s.chars > MERGE_CHARS)) break;
    blocks += s.blocks;
    chars += s.chars;
    n += 1;
  }
  return Math.max(1, n);
}
