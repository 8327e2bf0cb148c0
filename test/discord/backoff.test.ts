import { describe, expect, it } from 'vitest';
import { withBackoff } from '../../src/platforms/discord/backoff.ts';

type Inner = NonNullable<Parameters<typeof withBackoff>[0]['inner']>;

function fakeInner(statuses: (number | 'reset')[]): { inner: Inner; at: number[] } {
  const at: number[] = [];
  let i = 0;
  const inner = (async () => {
    at.push(performance.now());
    const s = statuses[Math.min(i, statuses.length - 1)]!;
    i += 1;
    if (s === 'reset') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    return new Response(s === 204 ? null : '{}', { status: s });
  }) as unknown as Inner;
  return { inner, at };
}

const gaps = (at: number[]) => at.slice(1).map((t, i) => t - at[i]!);

describe('Discord REST backoff', () => {
  it('retries a 5xx after growing, jittered waits, then returns the success', async () => {
    const { inner, at } = fakeInner([502, 503, 500, 200]);
    const make = withBackoff({ retries: 3, baseMs: 40, random: () => 1, inner });
    const res = await make('http://x', { method: 'GET' });
    expect(res.status).toBe(200);
    const g = gaps(at);
    expect(g).toHaveLength(3);
    // random() = 1: the full step, 40, 80, 160 ms.
    expect(g[0]).toBeGreaterThanOrEqual(38);
    expect(g[1]).toBeGreaterThanOrEqual(78);
    expect(g[2]).toBeGreaterThanOrEqual(158);
  });

  it('jitter: half of each step is fixed, half random', async () => {
    // The waits asked for, recorded rather than timed: an upper bound on a timer does not hold on a loaded machine.
    const waits = async (random: number): Promise<number[]> => {
      const asked: number[] = [];
      const { inner } = fakeInner([500, 500, 500, 200]);
      await withBackoff({ retries: 3, baseMs: 100, maxMs: 300, random: () => random, inner, sleep: async (ms) => void asked.push(ms) })('http://x', { method: 'GET' });
      return asked;
    };
    expect(await waits(0)).toEqual([50, 100, 150]);
    expect(await waits(0.5)).toEqual([75, 150, 225]);
    expect(await waits(1)).toEqual([100, 200, 300]);
  });

  it('gives up after its retries with the last 5xx, and retries a dropped connection the same way', async () => {
    const five = fakeInner([500]);
    expect((await withBackoff({ retries: 2, baseMs: 5, inner: five.inner })('http://x', { method: 'GET' })).status).toBe(500);
    expect(five.at).toHaveLength(3);
    const reset = fakeInner(['reset', 200]);
    expect((await withBackoff({ retries: 2, baseMs: 5, inner: reset.inner })('http://x', { method: 'GET' })).status).toBe(200);
    expect(reset.at).toHaveLength(2);
  });

  it('hands a 429 and a 4xx straight back: the library waits out Retry-After itself', async () => {
    for (const status of [429, 404]) {
      const f = fakeInner([status, 200]);
      expect((await withBackoff({ retries: 3, baseMs: 5, inner: f.inner })('http://x', { method: 'GET' })).status).toBe(status);
      expect(f.at).toHaveLength(1);
    }
  });
});
