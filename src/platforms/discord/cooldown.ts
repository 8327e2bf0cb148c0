/**
 * One slash command per user every few seconds, so a class pressing
 * /explode together doesn't queue a minute of rendering. 0 seconds disables it.
 */
export class Cooldowns {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds left for this user, or 0 when they may go. */
  remaining(userId: string): number {
    const t = this.until.get(userId);
    if (t === undefined) return 0;
    const left = t - this.now();
    if (left <= 0) {
      this.until.delete(userId);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  start(userId: string): void {
    if (this.seconds <= 0) return;
    this.until.set(userId, this.now() + this.seconds * 1000);
    // Forget users long gone so the map cannot grow without bound.
    if (this.until.size > 10_000) {
      const now = this.now();
      for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
    }
  }
}

export function cooldownMessage(seconds: number): string {
  return `Easy there! Give me ${seconds} s before the next command, so everyone's charts come back quickly.`;
}
