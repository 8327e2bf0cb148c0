import { TokenBucket, type BucketRule } from './bucket.ts';

/**
 * One queue per channel, drained at the pace its bucket allows. What
 * accumulates while a channel waits for its next slot may go out together
 * (`takeBatch` decides how many fit in one message), so a busy channel spends
 * fewer messages per student; a quiet channel sends each item alone, at once,
 * exactly as without pacing. Nothing is dropped: a send refused with a
 * Retry-After holds the channel for that long and is sent again.
 */
export interface LaneSend<T> {
  (key: string, batch: T[]): Promise<void>;
}

export interface LaneOptions<T> {
  rule: BucketRule;
  send: LaneSend<T>;
  /** How many of the waiting items (head first) go in the next message; at least 1. */
  takeBatch: (waiting: readonly T[]) => number;
  /** Retry-After in ms when an error is the platform's rate limit, else null (the error is final for that batch). */
  retryAfterMs: (err: unknown) => number | null;
  /** A batch refused for rate limits this many times in a row is failed (default 8). */
  maxRateLimited?: number;
  now?: () => number;
  onRateLimited?: (key: string, ms: number) => void;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Lane<T> {
  bucket: TokenBucket;
  queue: Waiting<T>[];
  running: boolean;
  /** Accepted work that will join the queue soon (rendering); counted in estimates. */
  expected: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PacedLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  constructor(private readonly opts: LaneOptions<T>) {}

  private lane(key: string): Lane<T> {
    let l = this.lanes.get(key);
    if (!l) {
      l = { bucket: new TokenBucket(this.opts.rule, this.opts.now), queue: [], running: false, expected: 0 };
      this.lanes.set(key, l);
    }
    return l;
  }

  /** Work accepted for `key` that will be pushed later; returns how many are ahead of it and about how long it waits. */
  expect(key: string): { ahead: number; waitMs: number } {
    const l = this.lane(key);
    const est = this.estimateFor(l, l.queue.length + l.expected);
    l.expected += 1;
    return est;
  }

  /** The expected work will not come (it failed before sending). */
  cancel(key: string): void {
    const l = this.lane(key);
    l.expected = Math.max(0, l.expected - 1);
  }

  /** Queues an item; resolves once it was sent (or rejects with the send's error). */
  push(key: string, item: T, fromExpected = false): Promise<void> {
    const l = this.lane(key);
    if (fromExpected) l.expected = Math.max(0, l.expected - 1);
    const done = new Promise<void>((resolve, reject) => l.queue.push({ item, resolve, reject }));
    if (!l.running) void this.drain(key, l);
    return done;
  }

  /** Items waiting or expected in `key`'s lane. */
  depth(key: string): number {
    const l = this.lanes.get(key);
    return l ? l.queue.length + l.expected : 0;
  }

  /**
   * With `ahead` items before it, about when an item goes out: the slots the
   * bucket has now go first, then one per 1/rate s; items ahead share
   * messages once they wait, so this counts them a batch at a time.
   */
  private estimateFor(l: Lane<T>, ahead: number): { ahead: number; waitMs: number } {
    const perMessage = Math.max(1, this.opts.takeBatch(l.queue.map((w) => w.item).concat()) || 1);
    const free = l.bucket.available();
    const soloFirst = Math.min(ahead, free);
    const messagesAfter = Math.ceil((ahead - soloFirst) / Math.max(1, perMessage));
    const waitMs = ahead < free ? 0 : Math.max(l.bucket.waitMs(), 0) + (messagesAfter > 0 ? ((messagesAfter - 1) * 1000) / this.opts.rule.ratePerSec : 0);
    return { ahead, waitMs: Math.round(waitMs) };
  }

  private async drain(key: string, l: Lane<T>): Promise<void> {
    l.running = true;
    try {
      while (l.queue.length > 0) {
        const wait = l.bucket.waitMs();
        if (wait > 0) {
          await sleep(wait);
          continue;
        }
        const n = Math.max(1, Math.min(l.queue.length, this.opts.takeBatch(l.queue.map((w) => w.item))));
        const batch = l.queue.splice(0, n);
        l.bucket.take();
        let refused = 0;
        for (;;) {
          try {
            await this.opts.send(key, batch.map((w) => w.item));
            for (const w of batch) w.resolve();
            break;
          } catch (err) {
            const after = this.opts.retryAfterMs(err);
            refused += 1;
            if (after === null || refused >= (this.opts.maxRateLimited ?? 8)) {
              for (const w of batch) w.reject(err);
              break;
            }
            this.opts.onRateLimited?.(key, after);
            l.bucket.hold(after);
            await sleep(l.bucket.waitMs());
            l.bucket.take();
          }
        }
      }
    } finally {
      l.running = false;
    }
  }
}

/** "31 classmates ahead of you: about 30 s." and where the answer will appear. */
export function waitNotice(ahead: number, waitMs: number): string {
  const s = Math.max(1, Math.round(waitMs / 1000));
  const who = ahead === 1 ? '1 classmate' : `${ahead} classmates`;
  const when = s < 90 ? `about ${s} s` : `about ${Math.round(s / 60)} min`;
  return `${who} ahead of you: ${when}. The channel is busy and I post at the pace it allows; your answer will appear there, nothing is lost.`;
}
