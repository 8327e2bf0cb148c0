/**
 * Captured when this module loads, so a test's fake timers cannot stall the
 * queue: the waiting is real even when the clock is not.
 */
const immediate = globalThis.setImmediate;

/**
 * Lets waiters through one per turn of the event loop, in arrival order.
 *
 * A class's commands can arrive in the same instant (a burst through one
 * socket, or a bench firing 60 at once); acknowledging each is cheap, but
 * starting each one's run (a simulation, a verdict, the render request) back
 * to back in the same turn added up to tens of milliseconds before any timer
 * or socket could be served. Through this queue each start gets its own turn,
 * and a heartbeat or a click waits for one start, not sixty. An immediate
 * scheduled from inside the check phase runs in the next turn, after timers
 * and I/O: that is what spreads them.
 */
export class TurnQueue {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves at the waiter's own turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Waiters not yet let through. */
  get length(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    immediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      this.schedule();
    });
  }
}
