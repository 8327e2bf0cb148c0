/**
 * One accepted command per user every few seconds, so a class pressing
 * /explode together doesn't queue a minute of rendering (GRADBOT_COOLDOWN_SECONDS;
 * 0 disables it). Refusals don't count: a typo should not lock anyone out.
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
    if (left > 0) return Math.ceil(left / 1000);
    this.until.delete(userId);
    return 0;
  }

  start(userId: string): void {
    if (this.seconds <= 0) return;
    this.hold(userId, this.now() + this.seconds * 1000);
  }

  /** The shared store knows better (another instance started this user's cooldown): wait until then, no longer. */
  hold(userId: string, until: number): void {
    const now = this.now();
    this.until.set(userId, until);
    // Forget users long gone so the map cannot grow without bound.
    if (this.until.size > 10_000) for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
  }
}

export function cooldownText(seconds: number): string {
  return `Easy there! Give me ${seconds} s before your next command, so everyone's charts come back quickly.`;
}
