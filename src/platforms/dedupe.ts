/**
 * Keys seen in the last `ttlMs`: a platform that redelivers a request (Slack
 * retries with X-Slack-Retry-Num, a gateway replays after RESUME) must get
 * each reply once. Bounded, so a flood of unique keys cannot grow it forever;
 * the oldest are forgotten first.
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` was already seen (a duplicate); otherwise remembers it and returns false. */
  repeat(key: string): boolean {
    const t = this.now();
    const at = this.seen.get(key);
    if (at !== undefined && t - at < this.ttlMs) return true;
    this.seen.delete(key);
    this.seen.set(key, t);
    while (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return false;
  }
}
