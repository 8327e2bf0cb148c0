/**
 * Rate-limit bookkeeping shared by the Slack and Discord stand-ins when they
 * enforce the platforms' limits: a token bucket per key, a record of every
 * refusal and when the caller was told it may come back, and a count of
 * callers that came back earlier than told (a Retry-After violation).
 */
export interface Window {
  /** Requests allowed at once. */
  burst: number;
  /** Refill rate, requests per second. */
  perSec: number;
  /** Retry-After in whole seconds (Slack's header is an integer), rounded up. */
  wholeSeconds?: boolean;
}

interface State {
  tokens: number;
  last: number;
  /** Told to wait until then (epoch ms) by a 429; 0 when not told. */
  until: number;
}

export interface Verdict {
  ok: boolean;
  /** Seconds to wait when refused (exact, not rounded). */
  retryAfter: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetAfter: number;
}

export class Windows {
  private readonly states = new Map<string, State>();
  refusals = 0;
  violations = 0;
  requests = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** One request against `key` under `w`; refused (429) when its bucket is empty. */
  take(key: string, w: Window): Verdict {
    this.requests += 1;
    const t = this.now();
    let s = this.states.get(key);
    if (!s) {
      s = { tokens: w.burst, last: t, until: 0 };
      this.states.set(key, s);
    }
    s.tokens = Math.min(w.burst, s.tokens + ((t - s.last) / 1000) * w.perSec);
    s.last = t;
    // Back before the Retry-After it was given (a 20 ms allowance for timer jitter).
    if (s.until > 0 && t + 20 < s.until) this.violations += 1;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      s.until = 0;
      return { ok: true, retryAfter: 0, remaining: Math.floor(s.tokens), resetAfter: (w.burst - s.tokens) / w.perSec };
    }
    const exact = (1 - s.tokens) / w.perSec;
    const retryAfter = w.wholeSeconds ? Math.max(1, Math.ceil(exact)) : exact;
    s.until = Math.max(s.until, t + retryAfter * 1000);
    this.refusals += 1;
    return { ok: false, retryAfter, remaining: 0, resetAfter: retryAfter };
  }
}
