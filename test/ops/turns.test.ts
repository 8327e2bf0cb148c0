import { describe, expect, it, vi } from 'vitest';
import { TurnQueue } from '../../src/turns.ts';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('TurnQueue', () => {
  it('lets waiters through in arrival order, one per turn, so a timer due meanwhile runs between them', async () => {
    const turns = new TurnQueue();
    const seen: string[] = [];
    const waiters = Array.from({ length: 8 }, (_, i) =>
      turns.next().then(() => {
        seen.push(`w${i}`);
        // Due before this waiter's work is done: it must run before the next waiter's turn.
        if (i === 0) setTimeout(() => seen.push('timer'), 1);
        busy(3);
      }),
    );
    await Promise.all(waiters);
    expect(seen.filter((s) => s !== 'timer')).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7']);
    // Run back to back in one turn, the other seven (21 ms of work) would all go before the timer.
    expect(seen.indexOf('timer')).toBe(1);
    expect(turns.length).toBe(0);
  });

  it('keeps going under a test\'s fake timers', async () => {
    vi.useFakeTimers();
    try {
      const turns = new TurnQueue();
      await expect(Promise.all([turns.next(), turns.next()])).resolves.toEqual([undefined, undefined]);
    } finally {
      vi.useRealTimers();
    }
  });
});
