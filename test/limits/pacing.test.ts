import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/platforms/pacing/bucket.ts';
import { PacedLanes, waitNotice } from '../../src/platforms/pacing/lanes.ts';

describe('TokenBucket', () => {
  it('allows the burst at once, then one per 1/rate s; a hold empties it until the Retry-After has passed', () => {
    let t = 0;
    const b = new TokenBucket({ ratePerSec: 2, burst: 3 }, () => t);
    for (let i = 0; i < 3; i++) {
      expect(b.waitMs()).toBe(0);
      b.take();
    }
    expect(b.waitMs()).toBe(500);
    t = 500;
    expect(b.waitMs()).toBe(0);
    b.take();
    b.hold(2000);
    expect(b.waitMs()).toBe(2000);
    expect(b.available()).toBe(0);
    t = 2400;
    expect(b.waitMs()).toBeGreaterThan(0);
    // Exactly when the Retry-After ends: one send, then the pace again.
    t = 2500;
    expect(b.waitMs()).toBe(0);
    b.take();
    expect(b.waitMs()).toBe(500);
  });
});

describe('PacedLanes', () => {
  const rule = { ratePerSec: 20, burst: 2 };

  it('a quiet channel sends each item alone and at once', async () => {
    const sent: string[][] = [];
    const lanes = new PacedLanes<string>({ rule, takeBatch: (w) => w.length, retryAfterMs: () => null, send: async (_k, b) => void sent.push(b) });
    await lanes.push('c', 'a');
    await lanes.push('c', 'b');
    expect(sent).toEqual([['a'], ['b']]);
  });

  it('a busy channel: what waits goes out together, in order, nothing dropped; channels do not wait for each other', async () => {
    const sent: { key: string; batch: string[]; at: number }[] = [];
    const t0 = Date.now();
    const lanes = new PacedLanes<string>({ rule, takeBatch: (w) => Math.min(4, w.length), retryAfterMs: () => null, send: async (key, batch) => void sent.push({ key, batch, at: Date.now() - t0 }) });
    const items = Array.from({ length: 12 }, (_, i) => `s${i}`);
    await Promise.all([...items.map((i) => lanes.push('busy', i)), lanes.push('quiet', 'q')]);
    const busy = sent.filter((s) => s.key === 'busy');
    expect(busy.flatMap((s) => s.batch)).toEqual(items);
    expect(busy.length).toBeLessThan(items.length);
    expect(busy.every((s) => s.batch.length <= 4)).toBe(true);
    // Never more than the burst plus one per 1/rate (50 ms) since the start (a little timer slack).
    busy.forEach((s, i) => expect(s.at).toBeGreaterThanOrEqual((i + 1 - rule.burst) * 50 - 8));
    expect(sent.find((s) => s.key === 'quiet')!.at).toBeLessThan(busy[busy.length - 1]!.at);
  });

  it('a refusal with Retry-After holds the channel that long, then sends the same batch again', async () => {
    const tries: number[] = [];
    let refuse = true;
    const t0 = Date.now();
    const lanes = new PacedLanes<string>({
      rule,
      takeBatch: () => 1,
      retryAfterMs: (e) => (e === 'rate' ? 150 : null),
      send: async () => {
        tries.push(Date.now() - t0);
        if (refuse) {
          refuse = false;
          throw 'rate';
        }
      },
    });
    await lanes.push('c', 'x');
    expect(tries).toHaveLength(2);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(145);
  });

  it('estimates honestly: nobody ahead waits 0; behind a queue, about one message per 1/rate per batch', () => {
    const lanes = new PacedLanes<string>({ rule: { ratePerSec: 1, burst: 3 }, takeBatch: () => 8, retryAfterMs: () => null, send: async () => undefined });
    expect(lanes.expect('c')).toEqual({ ahead: 0, waitMs: 0 });
    for (let i = 1; i < 30; i++) lanes.expect('c');
    const est = lanes.expect('c');
    expect(est.ahead).toBe(30);
    // 3 go at once, the other 27 in 4 messages of 8, one a second after the first.
    expect(est.waitMs).toBeGreaterThanOrEqual(2500);
    expect(est.waitMs).toBeLessThanOrEqual(4500);
  });

  it('says how many are ahead and about how long', () => {
    expect(waitNotice(31, 30_400)).toMatch(/^31 classmates ahead of you: about 30 s\./);
    expect(waitNotice(1, 200)).toMatch(/^1 classmate ahead of you: about 1 s\./);
    expect(waitNotice(200, 180_000)).toMatch(/about 3 min/);
  });
});
