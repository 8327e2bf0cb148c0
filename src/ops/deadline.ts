/** The time left before a deadline, in ms (never negative). */
export function timeLeft(deadline: number, now: () => number = Date.now): number {
  return Math.max(0, deadline - now());
}

/** Waits for work, but no longer than ms: true when it settled in time, false when the bound ran out first. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(
      () => true,
      () => true,
    ), bound]);
  } finally {
    clearTimeout(timer);
  }
}
