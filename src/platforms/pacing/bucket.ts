/**
 * A token bucket: `burst` sends at once, then one every 1/ratePerSec
 * seconds. It is how both platforms describe their limits (Slack: about one
 * chat.postMessage a second per channel, short bursts tolerated; Discord: a
 * bucket of N per window), so pacing to one keeps requests from being refused.
 */
export interface BucketRule {
  ratePerSec: number;
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** No send before this (a 429's Retry-After). */
  private heldUntil = 0;

  constructor(
    readonly rule: BucketRule,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rule.burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    // After a hold, `last` is the end of the hold: nothing accrues before it.
    if (t <= this.last) return;
    this.tokens = Math.min(this.rule.burst, this.tokens + ((t - this.last) / 1000) * this.rule.ratePerSec);
    this.last = t;
  }

  /** Milliseconds until a send is allowed (0: now). */
  waitMs(): number {
    this.refill();
    const held = Math.max(0, this.heldUntil - this.now());
    const forToken = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rule.ratePerSec) * 1000;
    return Math.max(held, Math.ceil(forToken));
  }

  /** Takes a token; call only when waitMs() is 0. */
  take(): void {
    this.refill();
    this.tokens -= 1;
  }

  /** Sends available now, without waiting (fractions dropped). */
  available(): number {
    this.refill();
    return this.heldUntil > this.now() ? 0 : Math.floor(this.tokens);
  }

  /** The platform said wait: nothing goes out before then, and the bucket starts empty after. */
  hold(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.now() + ms);
    // One send when the hold ends, then the bucket's pace again.
    this.tokens = 1;
    this.last = Math.max(this.last, this.heldUntil);
  }
}

/** One bucket per key (a channel), made on first use; the oldest forgotten past `max` keys. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    readonly rule: BucketRule,
    private readonly now: () => number = Date.now,
    private readonly max = 10_000,
  ) {}

  get(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.rule, this.now);
      this.buckets.set(key, b);
      if (this.buckets.size > this.max) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    return b;
  }
}
