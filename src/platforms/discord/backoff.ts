import { DefaultRestOptions, type ResponseLike } from 'discord.js';

type MakeRequest = typeof DefaultRestOptions.makeRequest;
type Init = Parameters<MakeRequest>[1];

export interface BackoffOptions {
  /** Further attempts after a 5xx or a dropped connection. */
  retries: number;
  /** The first wait's ceiling; each later one doubles, up to maxMs. */
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
  /** Waits ms; tests record the waits instead of timing them. */
  sleep?: (ms: number) => Promise<void>;
  inner?: MakeRequest;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds in a Retry-After header, when a 503 carries one. */
function retryAfterMs(res: ResponseLike): number | null {
  const v = Number(res.headers.get('retry-after'));
  return Number.isFinite(v) && v > 0 ? v * 1000 : null;
}

/**
 * @discordjs/rest waits out a 429 for as long as Discord says (Retry-After,
 * X-RateLimit-Reset-After) but retries a 5xx or a dropped connection at once,
 * which hits a struggling API again in the same millisecond. This makeRequest
 * does those retries itself with exponential backoff and jitter (half the
 * step fixed, half random, so a class's replies do not retry in lock step);
 * the library is given retries: 0 so the two never multiply. 429s pass
 * straight through to the library's own bucket handling.
 */
export function withBackoff(opts: BackoffOptions): MakeRequest {
  const inner = opts.inner ?? DefaultRestOptions.makeRequest;
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 4000;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? wait;
  const delay = (attempt: number) => {
    const step = Math.min(max, base * 2 ** attempt);
    return step / 2 + random() * (step / 2);
  };
  return async (url: string, init: Init): Promise<ResponseLike> => {
    for (let attempt = 0; ; attempt += 1) {
      let res: ResponseLike;
      try {
        res = await inner(url, init);
      } catch (e) {
        // The library's own time-out aborts the signal: that is final.
        if (init.signal?.aborted || attempt >= opts.retries) throw e;
        await sleep(delay(attempt));
        continue;
      }
      if (res.status < 500 || res.status > 599 || attempt >= opts.retries) return res;
      await res.arrayBuffer().catch(() => undefined);
      await sleep(Math.max(delay(attempt), retryAfterMs(res) ?? 0));
    }
  };
}
